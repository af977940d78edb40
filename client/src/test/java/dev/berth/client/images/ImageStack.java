package dev.berth.client.images;

import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.InfoRequest;
import containerd.services.leases.v1.Lease;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.leases.v1.ListRequest;
import containerd.services.snapshots.v1.Info;
import containerd.services.snapshots.v1.ListSnapshotsRequest;
import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.StatSnapshotRequest;
import containerd.services.snapshots.v1.ViewSnapshotRequest;
import dev.berth.api.content.Blobs;
import dev.berth.client.BerthClient;
import dev.berth.client.testing.BerthOnUnixSocket;
import dev.berth.linux.MountSpec;
import dev.berth.linux.TempMount;
import io.grpc.Channel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real services on a Unix socket and what image tests look at through their APIs: blob
 * labels, snapshots, leases, and a snapshot's file system mounted read-only.
 */
final class ImageStack implements AutoCloseable {
  static final String SNAPSHOTTER = "overlayfs";

  private final BerthOnUnixSocket berth;
  private final BerthClient client;
  final Channel channel;
  final ImageClient images;
  final Blobs content;
  private final SnapshotsGrpc.SnapshotsBlockingStub snapshots;

  /** Connects as any client would: its own connection to the socket, in {@code namespace}. */
  ImageStack(Path dir, String namespace) throws Exception {
    berth = BerthOnUnixSocket.start(dir);
    client = BerthClient.connect(berth.socket(), namespace);
    channel = client.channel();
    images = client.images();
    content = client.content();
    snapshots = SnapshotsGrpc.newBlockingStub(channel);
  }

  List<Lease> leaseRecords() {
    return LeasesGrpc.newBlockingStub(channel).list(ListRequest.getDefaultInstance()).getLeasesList();
  }

  Map<String, String> blobLabels(String digest) {
    return ContentGrpc.newBlockingStub(channel).info(InfoRequest.newBuilder().setDigest(digest).build())
        .getInfo().getLabelsMap();
  }

  List<Info> snapshots() {
    List<Info> all = new ArrayList<>();
    snapshots.list(ListSnapshotsRequest.newBuilder().setSnapshotter(SNAPSHOTTER).build())
        .forEachRemaining(page -> all.addAll(page.getInfoList()));
    return all;
  }

  List<String> snapshotNames() {
    return snapshots().stream().map(Info::getName).sorted().toList();
  }

  Info snapshot(String key) {
    return snapshots.stat(StatSnapshotRequest.newBuilder().setSnapshotter(SNAPSHOTTER).setKey(key).build())
        .getInfo();
  }

  int leases() {
    return LeasesGrpc.newBlockingStub(channel).list(ListRequest.getDefaultInstance()).getLeasesCount();
  }

  /** A read-only view of committed snapshot {@code parent}, mounted; closing unmounts and removes it. */
  MountedView view(String parent) throws IOException {
    String key = "test-view-" + UUID.randomUUID();
    List<MountSpec> mounts = snapshots.view(ViewSnapshotRequest.newBuilder()
            .setSnapshotter(SNAPSHOTTER).setKey(key).setParent(parent).build())
        .getMountsList().stream().map(m -> new MountSpec(m.getType(), m.getSource(), m.getOptionsList())).toList();
    return new MountedView(key, TempMount.mount(mounts, berth.root().resolve("test-mounts")));
  }

  final class MountedView implements AutoCloseable {
    private final String key;
    private final TempMount mount;

    private MountedView(String key, TempMount mount) {
      this.key = key;
      this.mount = mount;
    }

    Path dir() {
      return mount.dir();
    }

    /** {@code path} (absolute in the image) under the mount. */
    Path resolve(String path) {
      return mount.dir().resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    @Override
    public void close() throws IOException {
      try {
        mount.close();
      } finally {
        snapshots.remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(SNAPSHOTTER).setKey(key).build());
      }
    }
  }

  @Override
  public void close() throws Exception {
    try {
      client.close();
    } finally {
      berth.close();
    }
  }
}
