package dev.berth.ctl.container;

import berth.volumes.v1.GetVolumeRequest;
import berth.volumes.v1.VolumesGrpc;
import com.fasterxml.jackson.databind.JsonNode;
import containerd.types.Mount;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.HostCommands;
import dev.berth.client.spec.RootfsFiles;
import dev.berth.ctl.DaemonError;
import io.grpc.Channel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The volumes and bind mounts of a container as {@code cp} sees them, from the container's
 * {@code Mounts}: where a copy into the container may not write, and, for a stopped container,
 * each mounted over its snapshot for the copy as Docker's daemon mounts them, so a copy reads and
 * writes the volume or the host directory, not the container's layer beneath it.
 */
final class CopyMounts {
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
   * at its destination under {@code root}, read-only where the container has it so. The
   * destination is resolved inside {@code root} as the container resolves it, and made (as runc
   * makes it) when the snapshot lacks it. Unmounting {@code root} recursively undoes them.
   */
  void mountUnder(Path root, Channel channel) throws IOException {
    VolumesGrpc.VolumesBlockingStub volumes = VolumesGrpc.newBlockingStub(channel);
    for (Entry e : entries) {
      Path source = Path.of(e.type().equals("volume")
          ? volumes.get(GetVolumeRequest.newBuilder().setName(e.name()).build()).getVolume().getMountpoint()
          : e.source());
      if (!Files.exists(source)) {
        // a bind source removed since: the container would not start either, and there is nothing to copy
        continue;
      }
      Path target = RootfsFiles.pathInside(root, e.destination());
      if (!Files.exists(target)) {
        if (Files.isDirectory(source)) {
          Files.createDirectories(target);
        } else {
          Files.createDirectories(target.getParent());
          Files.createFile(target);
        }
      }
      HostCommands.mount(Mount.newBuilder().setType("bind").setSource(source.toString())
          .addOptions("rbind").addOptions(e.readWrite() ? "rw" : "ro").build(), target);
    }
  }
}
