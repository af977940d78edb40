package dev.berth.client.build;

import containerd.services.snapshots.v1.CommitSnapshotRequest;
import containerd.services.snapshots.v1.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.types.Mount;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.HostCommands;
import dev.berth.client.containers.SnapshotDiff;
import io.grpc.Channel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A writable snapshot on a stage's top one, mounted on this host for COPY, ADD and WORKDIR to
 * change, then turned into a layer. Closing unmounts it and removes the snapshot.
 */
final class LayerWorkspace implements AutoCloseable {
  private final Channel leased;
  private final String key;
  private final Path dir;
  private boolean mounted;
  private boolean committed;

  private LayerWorkspace(Channel leased, String key, Path dir) {
    this.leased = leased;
    this.key = key;
    this.dir = dir;
  }

  /** {@code leased} carries the build's lease, which keeps the snapshot meanwhile. */
  static LayerWorkspace prepare(Channel leased, String parentChainId) throws IOException {
    String key = "build-" + ContainerClient.newId().substring(0, 16);
    List<Mount> mounts = SnapshotsGrpc.newBlockingStub(leased).prepare(PrepareSnapshotRequest.newBuilder()
        .setSnapshotter(ContainerClient.SNAPSHOTTER).setKey(key).setParent(parentChainId).build()).getMountsList();
    LayerWorkspace workspace = new LayerWorkspace(leased, key, Files.createTempDirectory("berthctl-build"));
    try {
      for (Mount m : mounts) {
        HostCommands.mount(m, workspace.dir);
        workspace.mounted = true;
      }
    } catch (IOException | RuntimeException e) {
      workspace.close();
      throw e;
    }
    return workspace;
  }

  Path dir() {
    return dir;
  }

  /** The changes made, as a layer blob of {@code mediaType}; unmounted first, so that all is written. */
  SnapshotDiff.Layer diff(String mediaType) throws IOException {
    unmount();
    return SnapshotDiff.of(leased, ContainerClient.SNAPSHOTTER, key, mediaType);
  }

  /** Commits the snapshot as {@code name}, for containers or snapshots to be made on. */
  void commit(String name) throws IOException {
    unmount();
    SnapshotsGrpc.newBlockingStub(leased).commit(CommitSnapshotRequest.newBuilder()
        .setSnapshotter(ContainerClient.SNAPSHOTTER).setName(name).setKey(key).build());
    committed = true;
  }

  private void unmount() throws IOException {
    if (mounted) {
      HostCommands.unmount(dir);
      mounted = false;
    }
  }

  @Override
  public void close() throws IOException {
    try {
      unmount();
      Files.deleteIfExists(dir);
    } finally {
      if (!committed) {
        SnapshotsGrpc.newBlockingStub(leased).remove(RemoveSnapshotRequest.newBuilder()
            .setSnapshotter(ContainerClient.SNAPSHOTTER).setKey(key).build());
      }
    }
  }
}
