package dev.berth.client.build;

import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.spec.RootfsFiles;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Docker's init layer for a RUN's container: a committed snapshot between the stage's image and
 * the container's, holding the mount points runc makes when the image lacks them (/etc/hosts,
 * /etc/hostname, /etc/resolv.conf, /proc, /sys, /dev, and the targets of {@code RUN --mount}), so that
 * they stay out of the step's layer, as BuildKit keeps its mount stubs out of it.
 * Closing removes it (its container's snapshot must be gone first).
 */
final class InitLayer implements AutoCloseable {
  private static final List<String> FILES = List.of("etc/hosts", "etc/hostname", "etc/resolv.conf");
  private static final List<String> DIRECTORIES = List.of("proc", "sys", "dev");

  private final Channel leased;
  private final String name;

  private InitLayer(Channel leased, String name) {
    this.leased = leased;
    this.name = name;
  }

  /** {@code mountDirectories} and {@code mountFiles}: the RUN's own mount points, absolute. */
  static InitLayer make(Channel leased, String chainId, List<String> mountDirectories, List<String> mountFiles)
      throws IOException {
    String name = "build-init-" + ContainerClient.newId().substring(0, 16);
    try (LayerWorkspace workspace = LayerWorkspace.prepare(leased, chainId)) {
      Path root = workspace.dir();
      // resolved as the container sees its root: an image's /etc -> /x is the image's /x, not the host's
      for (String dir : concat(DIRECTORIES, mountDirectories)) {
        Path p = RootfsFiles.pathInside(root, dir);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(p);
        }
      }
      for (String file : concat(FILES, mountFiles)) {
        Path p = RootfsFiles.pathInside(root, file);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(p.getParent());
          Files.createFile(p);
          Files.setAttribute(p, "unix:mode", 0755);
        }
      }
      workspace.commit(name);
    }
    return new InitLayer(leased, name);
  }

  private static List<String> concat(List<String> a, List<String> b) {
    return Stream.concat(a.stream(), b.stream()).toList();
  }

  /** The committed snapshot's name, the parent of the container's snapshot. */
  String name() {
    return name;
  }

  @Override
  public void close() {
    try {
      SnapshotsGrpc.newBlockingStub(leased).remove(RemoveSnapshotRequest.newBuilder()
          .setSnapshotter(ContainerClient.SNAPSHOTTER).setKey(name).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }
}
