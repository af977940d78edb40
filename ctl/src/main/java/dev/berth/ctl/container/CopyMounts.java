package dev.berth.ctl.container;

import berth.volumes.v1.GetVolumeRequest;
import berth.volumes.v1.VolumesGrpc;
import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.TarStreams;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.DaemonError;
import dev.berth.linux.DetachedMount;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.FileHandle;
import dev.berth.linux.InRoot;
import io.grpc.Channel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The volumes and bind mounts of a container as {@code cp} sees them, from the container's
 * {@code Mounts}: where a copy into the container may not write, and, for a stopped container,
 * each mounted over its snapshot for the copy as Docker's daemon mounts them, so a copy reads and
 * writes the volume or the host directory, not the container's layer beneath it.
 */
final class CopyMounts {
  /** How often a destination made or removed meanwhile by someone else is looked up and mounted on again. */
  private static final int ATTEMPTS = 8;
  /** How long the volumes API may take to name every volume's directory. */
  private static final long VOLUME_LOOKUP_SECONDS = 30;
  private record Entry(String type, String name, String source, String destination, boolean readWrite) {}

  private final List<Entry> entries;
  private final boolean readOnlyRoot;

  private CopyMounts(List<Entry> entries, boolean readOnlyRoot) {
    this.entries = entries;
    this.readOnlyRoot = readOnlyRoot;
  }

  /** Volumes and binds in the order they go on: a mount inside another after it. tmpfs mounts have nothing to copy. */
  static CopyMounts of(ContainerConfig config) {
    List<Entry> entries = new ArrayList<>();
    for (JsonNode m : config.mounts()) {
      String type = m.path("Type").asText();
      if (type.equals("volume") || type.equals("bind")) {
        entries.add(new Entry(type, m.path("Name").asText(), m.path("Source").asText(),
            m.path("Destination").asText(), m.path("RW").asBoolean(true)));
      }
    }
    entries.sort(Comparator.comparingInt(e -> Path.of(e.destination()).getNameCount()));
    return new CopyMounts(List.copyOf(entries), config.hostConfig().path("ReadonlyRootfs").asBoolean(false));
  }

  /**
   * Docker's refusal of a copy to {@code containerPath} (absolute, symlinks resolved): the mount it
   * lands in, the innermost, is read-only, or it lands in a read-only root file system.
   */
  Optional<DaemonError> writeRefusal(String containerPath) {
    Path path = Path.of(containerPath);
    Optional<Entry> holder = entries.stream().filter(e -> path.startsWith(e.destination()))
        .max(Comparator.comparingInt(e -> Path.of(e.destination()).getNameCount()));
    if (holder.isPresent()) {
      return holder.get().readWrite() ? Optional.empty()
          : Optional.of(new DaemonError("mounted volume is marked read-only", null));
    }
    return readOnlyRoot ? Optional.of(new DaemonError("container rootfs is marked read-only", null)) : Optional.empty();
  }

  /**
   * Binds each volume's directory (looked up through the volumes API) and each bind's host path
   * (both resolved as the host resolves them) at its destination in {@code root}, read-only where
   * the container has it so. The destination is resolved in the kernel inside {@code root} as the
   * container resolves it, made (as runc makes it) when the snapshot lacks it, and mounted on
   * through its descriptor: a container sharing a volume on the way, swapping a directory there for
   * a symlink meanwhile, can neither make a directory nor land a mount outside {@code root}.
   * They go with the mount namespace {@code root} is mounted in.
   */
  void mountUnder(InRoot root, Channel channel) throws IOException {
    // a berthd that stalls fails the copy rather than holding it, and its mounts, for ever
    VolumesGrpc.VolumesBlockingStub volumes = VolumesGrpc.newBlockingStub(channel)
        .withDeadlineAfter(VOLUME_LOOKUP_SECONDS, TimeUnit.SECONDS);
    for (Entry e : entries) {
      Path source = Path.of(e.type().equals("volume")
          ? volumes.get(GetVolumeRequest.newBuilder().setName(e.name()).build()).getVolume().getMountpoint()
          : e.source());
      DetachedMount copy;
      try {
        copy = DetachedMount.copyOf(source);
      } catch (ErrnoException gone) {
        if (gone.errno() != ErrnoException.ENOENT) {
          throw gone;
        }
        // a bind source removed since: the container would not start either, and there is nothing to copy
        continue;
      }
      try (copy) {
        if (!e.readWrite()) {
          copy.makeReadOnly();
        }
        attach(copy, root, e, Files.isDirectory(source));
      }
    }
  }

  /** Attaches {@code copy} onto {@code e}'s destination in {@code root}, made when missing. */
  private static void attach(DetachedMount copy, InRoot root, Entry e, boolean directory) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try (FileHandle target = destination(root, e, directory)) {
        copy.attachTo(target);
        return;
      } catch (ErrnoException raced) {
        // made or removed meanwhile (by another copy of the same container, or by a container
        // sharing a volume on the way) between looking, making and mounting: looked up afresh
        if (raced.errno() != ErrnoException.EEXIST && raced.errno() != ErrnoException.ENOENT || attempt == ATTEMPTS) {
          throw raced;
        }
      }
    }
  }

  /** The directory, or for a file the file, that {@code e} goes on in {@code root}, made when missing. */
  private static FileHandle destination(InRoot root, Entry e, boolean directory) throws IOException {
    FileHandle target;
    if (directory) {
      target = TarStreams.directory(root, e.destination());
    } else {
      // a dangling symlink on the way: the file is made where it points, as the container would see it
      String path = root.canonical(e.destination(), true);
      Optional<FileHandle> existing = root.find(path, true);
      if (existing.isPresent()) {
        target = existing.get();
      } else {
        makeFile(root, path);
        target = root.resolve(path, true);
      }
    }
    boolean isDirectory;
    try {
      isDirectory = target.stat().isDirectory();
    } catch (ErrnoException failed) {
      target.close();
      throw failed;
    }
    if (isDirectory != directory) {
      target.close();
      throw new CommandFailure("cannot mount " + e.type() + " " + (e.type().equals("volume") ? e.name() : e.source())
          + " on " + e.destination() + " for the copy: it is " + (directory ? "not " : "") + "a directory in the container");
    }
    return target;
  }

  /** Makes the empty file {@code path} in {@code root} (runc's mount point for a file), its directories too. */
  private static void makeFile(InRoot root, String path) throws IOException {
    int slash = path.lastIndexOf('/');
    try (FileHandle parent = TarStreams.directory(root, slash == 0 ? "/" : path.substring(0, slash))) {
      parent.createFile(path.substring(slash + 1), 0644).close();
    }
  }
}
