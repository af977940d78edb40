package dev.berth.client.containers;

import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.ViewSnapshotRequest;
import containerd.types.Mount;
import dev.berth.client.spec.RootfsFiles;
import dev.berth.client.leases.Lease;
import io.grpc.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * An image's root file system mounted read-only on this host for a moment (a view snapshot of its
 * top layer), to read its /etc/passwd and /etc/group when a user is given by name, and to seed
 * empty volumes from it ({@link VolumeSeeder}). Closing unmounts it and removes the view.
 */
public final class ImageRootfs implements AutoCloseable {
  private final SnapshotsGrpc.SnapshotsBlockingStub snapshots;
  private final String key;
  private final Path dir;
  private final Lease lease;
  private boolean mounted;

  private ImageRootfs(SnapshotsGrpc.SnapshotsBlockingStub snapshots, String key, Path dir, Lease lease) {
    this.snapshots = snapshots;
    this.key = key;
    this.dir = dir;
    this.lease = lease;
  }

  /** Mounts a view of the image; a lease keeps it from garbage collection while it is mounted. */
  public static ImageRootfs mount(Channel channel, String chainId) {
    Lease lease = Lease.create(channel, Lease.DEFAULT_EXPIRY);
    SnapshotsGrpc.SnapshotsBlockingStub snapshots = SnapshotsGrpc.newBlockingStub(lease.channel());
    String key = "berthctl-view-" + ContainerClient.newId().substring(0, 16);
    List<Mount> mounts;
    try {
      mounts = snapshots.view(ViewSnapshotRequest.newBuilder()
          .setSnapshotter(ContainerClient.SNAPSHOTTER).setKey(key).setParent(chainId).build()).getMountsList();
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
    ImageRootfs rootfs = null;
    try {
      rootfs = new ImageRootfs(snapshots, key, Files.createTempDirectory("berthctl-rootfs"), lease);
      for (Mount m : mounts) {
        HostCommands.mount(m, rootfs.dir);
        rootfs.mounted = true;
      }
      return rootfs;
    } catch (IOException | RuntimeException e) {
      if (rootfs != null) {
        rootfs.close();
      } else {
        try {
          snapshots.remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(ContainerClient.SNAPSHOTTER).setKey(key).build());
        } finally {
          lease.close();
        }
      }
      throw e instanceof IOException io ? new UncheckedIOException("cannot mount the image to read its users: "
          + io.getMessage(), io) : (RuntimeException) e;
    }
  }

  public Path dir() {
    return dir;
  }

  public RootfsFiles files() {
    return RootfsFiles.directory(dir);
  }

  @Override
  public void close() {
    try {
      if (mounted) {
        HostCommands.unmount(dir);
      }
      Files.deleteIfExists(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      try {
        snapshots.remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(ContainerClient.SNAPSHOTTER).setKey(key).build());
      } finally {
        lease.close();
      }
    }
  }
}
