package dev.berth.ctl.container;

import com.fasterxml.jackson.databind.node.ObjectNode;
import containerd.services.containers.v1.Container;
import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.types.Mount;
import dev.berth.api.mount.MountInfo;
import dev.berth.client.containers.ContainerState;
import dev.berth.ctl.output.Json;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@code inspect}'s {@code GraphDriver} of a container, from its snapshot's mounts. */
final class GraphDriverJson {
  private GraphDriverJson() {}

  /**
   * Docker's {@code GraphDriver}: the snapshotter (as {@code Driver}) and, from the mounts of the
   * container's snapshot, the overlay directories Docker's overlay driver shows: {@code LowerDir}
   * (the image's layers, top first, colon-separated), {@code UpperDir} (the writable layer),
   * {@code WorkDir}, and {@code MergedDir} where the kernel has the root file system mounted
   * while the container has a task (an ended one keeps it until the next start or the removal).
   * {@code Data} is null where the snapshot cannot be read.
   */
  static ObjectNode of(Channel channel, ContainerState s) {
    Container record = s.record();
    ObjectNode driver = Json.mapper().createObjectNode();
    driver.put("Name", record.getSnapshotter());
    List<Mount> mounts = List.of();
    if (!record.getSnapshotter().isEmpty() && !record.getSnapshotKey().isEmpty()) {
      try {
        mounts = SnapshotsGrpc.newBlockingStub(channel).mounts(MountsRequest.newBuilder()
            .setSnapshotter(record.getSnapshotter()).setKey(record.getSnapshotKey()).build()).getMountsList();
      } catch (StatusRuntimeException e) {
        // no snapshot (removed elsewhere): nothing to show
      }
    }
    if (mounts.size() != 1) {
      driver.putNull("Data");
      return driver;
    }
    Mount mount = mounts.get(0);
    // sorted, as Go writes a map
    Map<String, String> data = new TreeMap<>();
    if (mount.getType().equals("overlay")) {
      for (String option : mount.getOptionsList()) {
        int equals = option.indexOf('=');
        String key = equals < 0 ? "" : switch (option.substring(0, equals)) {
          case "lowerdir" -> "LowerDir";
          case "upperdir" -> "UpperDir";
          case "workdir" -> "WorkDir";
          default -> "";
        };
        if (!key.isEmpty()) {
          data.put(key, option.substring(equals + 1));
        }
      }
      if (data.containsKey("UpperDir") && s.task().isPresent()) {
        mergedDir(data.get("UpperDir")).ifPresent(merged -> data.put("MergedDir", merged));
      }
    } else if (mount.getType().equals("bind")) {
      // a snapshot without a parent: the writable layer is all there is
      data.put("UpperDir", mount.getSource());
    }
    ObjectNode json = driver.putObject("Data");
    data.forEach(json::put);
    return driver;
  }

  /** Where the kernel has the overlay with this upper directory mounted (the task's root file system), if anywhere. */
  private static Optional<String> mergedDir(String upperDir) {
    try {
      return MountInfo.read(MountInfo.SELF).stream()
          .filter(m -> m.fsType().equals("overlay")
              && Arrays.asList(m.superOptions().split(",")).contains("upperdir=" + upperDir))
          .map(m -> m.mountPoint().toString()).findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
