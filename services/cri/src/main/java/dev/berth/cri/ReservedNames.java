package dev.berth.cri;

import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.containers.ContainerClient;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;

/**
 * The refusal of a pod or container whose name is taken, in containerd's words: the kubelet and
 * crictl users read containerd's {@code failed to reserve sandbox name "NAME": name "NAME" is
 * reserved for "ID"}, NAME made of the metadata as containerd makes it, with ALREADY_EXISTS as
 * containerd since 1.7 answers it. The store refuses a taken name atomically, so the holder is
 * looked up only then, not before every create.
 */
final class ReservedNames {
  private ReservedNames() {}

  /** containerd's name of a pod: {@code NAME_NAMESPACE_UID_ATTEMPT}. */
  static String ofSandbox(runtime.v1.PodSandboxMetadata m) {
    return String.join("_", m.getName(), m.getNamespace(), m.getUid(), Integer.toString(m.getAttempt()));
  }

  /** containerd's name of a container: {@code NAME_POD_NAMESPACE_UID_ATTEMPT}. */
  static String ofContainer(runtime.v1.ContainerMetadata c, runtime.v1.PodSandboxMetadata pod) {
    return String.join("_", c.getName(), pod.getName(), pod.getNamespace(), pod.getUid(),
        Integer.toString(c.getAttempt()));
  }

  /**
   * {@code e} as containerd words it if it refused the record's name ({@code recordName}, the
   * {@link ContainerLabels#NAME} label), else {@code e} itself.
   */
  static RuntimeException refusal(StatusRuntimeException e, ContainerClient records, String kind, String name,
      String recordName) {
    if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
      return e;
    }
    List<Container> holders = records.list("labels.\"" + ContainerLabels.NAME + "\"==\"" + recordName + "\"");
    if (holders.isEmpty()) {
      return e;
    }
    return Errors.alreadyExists("failed to reserve %s name \"%s\": name \"%s\" is reserved for \"%s\"", kind, name,
        name, holders.get(0).getId());
  }
}
