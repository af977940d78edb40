package dev.berth.snapshots.diff;

import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.InfoRequest;
import containerd.services.diff.v1.ApplyRequest;
import containerd.services.diff.v1.DiffGrpc;
import containerd.services.diff.v1.DiffRequest;
import containerd.services.snapshots.v1.CommitSnapshotRequest;
import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.ViewSnapshotRequest;
import containerd.types.Descriptor;
import containerd.types.Mount;
import dev.berth.api.content.Blobs;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.testing.InProcessServices;
import dev.berth.common.testing.NoLeases;
import dev.berth.content.ContentService;
import dev.berth.content.file.FileContentStore;
import dev.berth.linux.MountSpec;
import dev.berth.linux.TempMount;
import dev.berth.snapshots.DiffService;
import dev.berth.snapshots.SnapshotsService;
import dev.berth.snapshots.overlay.OverlaySnapshotter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The real Content, Snapshots and Diff services in-process over a temporary root: the Diff
 * service reads and writes blobs through the Content service's gRPC API, as in berthd.
 */
final class LayerServices implements AutoCloseable {
  static final String NS = "layers";

  final Path root;
  private final MetadataStore store;
  private final InProcessServices content;
  private final InProcessServices snapshotsAndDiff;
  final ContentGrpc.ContentBlockingStub contentApi;
  final SnapshotsGrpc.SnapshotsBlockingStub snapshots;
  final DiffGrpc.DiffBlockingStub diff;

  LayerServices(Path root, long maxLayerBytes) throws IOException {
    this.root = root;
    store = MetadataStore.open(root.resolve("meta.db"));
    content = InProcessServices.start(new ContentService(
        new FileContentStore(root, store, (ns, topic, event) -> {}, ns -> {}, new NoLeases())));
    OverlaySnapshotter overlay = new OverlaySnapshotter(root.resolve("snapshots/overlayfs"), store);
    snapshotsAndDiff = InProcessServices.start(
        new SnapshotsService(Map.of("overlayfs", overlay), new NoLeases(), ns -> {}, (ns, topic, event) -> {}),
        new DiffService(content.channel(), root.resolve("tmp"), maxLayerBytes));
    contentApi = ContentGrpc.newBlockingStub(content.inNamespace(NS));
    snapshots = SnapshotsGrpc.newBlockingStub(snapshotsAndDiff.inNamespace(NS));
    diff = DiffGrpc.newBlockingStub(snapshotsAndDiff.inNamespace(NS));
  }

  /** Stores {@code blob} through the Content API and describes it as {@code mediaType}. */
  Descriptor put(byte[] blob, String mediaType) {
    String digest = new Blobs(new GrpcContentStore(content.channel()), NS, null)
        .write("test-" + UUID.randomUUID(), blob, Map.of()).digest();
    return Descriptor.newBuilder().setMediaType(mediaType).setDigest(digest).setSize(blob.length).build();
  }

  List<Mount> prepare(String key, String parent) {
    return snapshots.prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter("overlayfs").setKey(key)
        .setParent(parent).build()).getMountsList();
  }

  List<Mount> view(String key, String parent) {
    return snapshots.view(ViewSnapshotRequest.newBuilder().setSnapshotter("overlayfs").setKey(key)
        .setParent(parent).build()).getMountsList();
  }

  List<Mount> mounts(String key) {
    return snapshots.mounts(MountsRequest.newBuilder().setSnapshotter("overlayfs").setKey(key).build())
        .getMountsList();
  }

  void commit(String name, String key) {
    snapshots.commit(CommitSnapshotRequest.newBuilder().setSnapshotter("overlayfs").setName(name).setKey(key)
        .build());
  }

  Descriptor apply(Descriptor layer, List<Mount> mounts) {
    return diff.apply(ApplyRequest.newBuilder().setDiff(layer).addAllMounts(mounts).build()).getApplied();
  }

  /** Prepares {@code name}'s snapshot on {@code parent}, applies {@code layer}, commits it as {@code name}. */
  Descriptor unpack(String name, String parent, Descriptor layer) {
    Descriptor applied = apply(layer, prepare(name + "-extract", parent));
    commit(name, name + "-extract");
    return applied;
  }

  /**
   * Applies {@code layer} to snapshot {@code name}-extract, prepared on no parent, as to an
   * overlay upperdir whose lower layers are to come (a layer unpacked side by side with those
   * below it); {@link #commitOnto} commits it once they are there.
   */
  Descriptor applyAlone(String name, Descriptor layer) {
    Mount bind = prepare(name + "-extract", "").get(0);
    return apply(layer, List.of(Mount.newBuilder().setType("overlay").setSource("overlay")
        .addOptions("upperdir=" + bind.getSource()).build()));
  }

  void commitOnto(String name, String parent) {
    snapshots.commit(CommitSnapshotRequest.newBuilder().setSnapshotter("overlayfs").setName(name)
        .setKey(name + "-extract").setParent(parent).build());
  }

  Descriptor diff(List<Mount> left, List<Mount> right, String mediaType) {
    return diff.diff(DiffRequest.newBuilder().addAllLeft(left).addAllRight(right).setMediaType(mediaType).build())
        .getDiff();
  }

  Map<String, String> labelsOf(String digest) {
    return contentApi.info(InfoRequest.newBuilder().setDigest(digest).build()).getInfo().getLabelsMap();
  }

  TempMount mount(List<Mount> mounts) throws IOException {
    return TempMount.mount(mounts.stream().map(m -> new MountSpec(m.getType(), m.getSource(), m.getOptionsList()))
        .toList(), root.resolve("test-mounts"));
  }

  @Override
  public void close() throws Exception {
    snapshotsAndDiff.close();
    content.close();
    store.close();
  }

}
