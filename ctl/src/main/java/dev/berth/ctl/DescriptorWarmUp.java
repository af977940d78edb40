package dev.berth.ctl;

import berth.network.v1.NetworkProto;
import containerd.services.containers.v1.ContainersProto;
import containerd.services.images.v1.ImagesProto;
import containerd.services.leases.v1.LeasesProto;
import containerd.services.snapshots.v1.SnapshotsProto;
import containerd.services.tasks.v1.TasksProto;
import containerd.types.DescriptorTypesProto;
import java.util.Set;

/**
 * Builds the protobuf descriptors of the container and image APIs on a thread of its own while
 * the main thread parses the command line and the first calls go out. A message with a map field
 * (a container's or image's labels, a descriptor's annotations) cannot be parsed without its
 * file's descriptors, and protobuf builds those, with descriptor.proto's and the editions'
 * defaults, the first time: 60-90 ms of cold code that otherwise ran when the first list came
 * back, with the command waiting on it.
 */
final class DescriptorWarmUp {
  /** The commands that read containers or images: the rest (version, volume, network, ...) skip it. */
  private static final Set<String> COMMANDS = Set.of("ps", "images", "run", "create", "exec", "start", "stop",
      "restart", "rm", "kill", "inspect", "rmi", "logs", "wait", "port", "pause", "unpause", "rename",
      "update", "top", "stats", "attach", "cp", "commit", "diff", "export", "history", "tag", "save", "build");

  private DescriptorWarmUp() {}

  /** Starts the build, if {@code command} reads containers or images. */
  static void startFor(String command) {
    if (command == null || !COMMANDS.contains(command)) {
      return;
    }
    Thread thread = new Thread(DescriptorWarmUp::build, "berthctl-descriptor-warm-up");
    thread.setDaemon(true);
    thread.start();
  }

  /** Builds them on the calling thread, if {@code command} reads containers or images. */
  static void buildFor(String command) {
    if (command != null && COMMANDS.contains(command)) {
      build();
    }
  }

  /** In the order commands meet them: an image's descriptor and record, then containers, tasks and the rest. */
  static void build() {
    DescriptorTypesProto.getDescriptor();
    ImagesProto.getDescriptor();
    ContainersProto.getDescriptor();
    NetworkProto.getDescriptor();
    TasksProto.getDescriptor();
    SnapshotsProto.getDescriptor();
    LeasesProto.getDescriptor();
  }
}
