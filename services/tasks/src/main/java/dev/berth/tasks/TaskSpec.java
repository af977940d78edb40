package dev.berth.tasks;

import com.google.protobuf.Any;
import containerd.types.Mount;
import dev.berth.tasks.io.ProcessIo;
import java.util.List;
import java.util.Optional;

/**
 * What a new task of container {@code containerId} is made of beyond the container's record:
 * its init process's stdio, the rootfs mounts (none: the container's snapshot is mounted) and
 * runtime options overriding the record's.
 */
public record TaskSpec(String containerId, ProcessIo io, List<Mount> rootfs, Optional<Any> runtimeOptions) {
  public TaskSpec {
    rootfs = List.copyOf(rootfs);
  }
}
