package dev.berth.cri;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.ContainerLabels;
import java.io.IOException;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PID namespace join of a CRI container created by a berthd before the
 * {@link ContainerLabels#PID} label: its spec names the namespace by a path, {@code
 * /proc/<pid>/ns/pid}, fixed at CreateContainer, which by StartContainer may name another
 * process's, perhaps one of the host's. Such a container is given the label, which the tasks
 * service resolves and checks at the task's create (its path then replaced), when the process
 * under that pid is verifiably the one it named: the pod's PID namespace holder as recorded (one
 * per pod, never replaced while the pod lives), or the running task of its TARGET container.
 * Otherwise its start is refused: nothing tells what it meant to join.
 */
final class LegacyPidJoin {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PROC_PID_PATH = Pattern.compile("/proc/(\\d{1,10})/ns/pid");

  private LegacyPidJoin() {}

  /**
   * The pid whose PID namespace the container's spec names for it to join, for a container
   * without the label; empty for one with the label, or joining none by path.
   */
  static OptionalLong pathPid(Container record) {
    if (record.getLabelsMap().containsKey(ContainerLabels.PID)) {
      return OptionalLong.empty();
    }
    JsonNode namespaces;
    try {
      namespaces = JSON.readTree(record.getSpec().getValue().toByteArray()).path("linux").path("namespaces");
    } catch (IOException e) {
      throw Errors.internal(e, "the spec of container %s is not JSON: %s", record.getId(), e.getMessage());
    }
    for (JsonNode ns : namespaces) {
      String path = ns.path("path").asText("");
      if ("pid".equals(ns.path("type").asText()) && !path.isEmpty()) {
        Matcher m = PROC_PID_PATH.matcher(path);
        if (!m.matches()) {
          throw refusal(record.getId(), path);
        }
        return OptionalLong.of(Long.parseLong(m.group(1)));
      }
    }
    return OptionalLong.empty();
  }

  /**
   * The label for container {@code id} whose spec names {@code pid}'s namespace: {@code
   * holderLabel}'s (the pod's holder while it runs as recorded) when the holder is that pid; its
   * running target's ({@code targetId}, {@code targetPid}) when the target's task is.
   */
  static String label(String id, long pid, Optional<String> holderLabel, Optional<String> targetId,
      Optional<Integer> targetPid) {
    Optional<String> holders = holderLabel.filter(l -> l.startsWith(ContainerLabels.JOINED_PROCESS_PREFIX + pid + ":"));
    if (holders.isPresent()) {
      return holders.get();
    }
    if (targetId.isPresent() && targetPid.isPresent() && targetPid.get() == pid) {
      return ContainerLabels.JOINED_CONTAINER_PREFIX + targetId.get();
    }
    throw refusal(id, "/proc/" + pid + "/ns/pid");
  }

  private static BerthException refusal(String id, String path) {
    return Errors.failedPrecondition("container %s was created by an older berthd and joins the PID namespace %s,"
        + " which is no longer its pod's or its target's: remove the container and create it again", id, path);
  }
}
