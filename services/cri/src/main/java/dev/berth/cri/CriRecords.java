package dev.berth.cri;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.Errors;
import dev.berth.client.containers.ContainerClient;
import java.util.List;
import java.util.Optional;

/**
 * How the CRI keeps pods and containers: each is a Berth container record in namespace
 * {@value CriServices#NAMESPACE} (so it survives a berthd restart and shows in {@code ctr -n
 * k8s.io containers ls}), told apart by {@link #KIND}, with the CRI config it was made from as an
 * extension. A CRI container id is its Berth container id; a pod's id names its record and its
 * network attachment.
 */
final class CriRecords {
  /** {@value #SANDBOX} or {@value #CONTAINER}. */
  static final String KIND = "io.berth.cri.kind";
  static final String SANDBOX = "sandbox";
  static final String CONTAINER = "container";
  /** On a container: the id of its pod sandbox. */
  static final String SANDBOX_ID = "io.berth.cri.sandbox-id";
  /** On a sandbox: {@value #READY} or {@value #NOT_READY}. */
  static final String STATE = "io.berth.cri.state";
  static final String READY = "ready";
  static final String NOT_READY = "notready";
  /**
   * On a sandbox: the boot of the node it was made on ({@link NodeBoot}). Its network, pinned
   * namespaces and PID namespace holder live in the kernel and under berthd's state directory,
   * which a reboot takes; the record, under its root, stays.
   */
  static final String BOOT_ID = "io.berth.cri.boot-id";
  /** On a container: the id of its image (the config digest), the image_ref ListContainers gives. */
  static final String IMAGE_REF = "io.berth.cri.image-ref";
  /** On a container whose start failed: why, its status message (its exit is then kept as 128). */
  static final String START_ERROR = "io.berth.cri.start-error";
  /** On a container whose main process exited: its exit status and time (see {@link ExitRecords}). */
  static final String EXIT_CODE = "io.berth.cri.exit-code";
  static final String FINISHED_AT = "io.berth.cri.finished-at";
  /** The extension holding the PodSandboxConfig or ContainerConfig, packed. */
  static final String CONFIG = "io.berth.cri.config";
  /** The runtime every CRI record names; the Tasks API runs its default OCI runtime for it. */
  static final String RUNTIME = "io.containerd.runc.v2";

  private CriRecords() {}

  /** The filter that lists records of one kind. */
  static String kindFilter(String kind) {
    return "labels.\"" + KIND + "\"==\"" + kind + "\"";
  }

  /**
   * The record of {@code kind} whose id begins with {@code prefix}, if it is the only one: the
   * CRI's pods and containers are found by a unique prefix of their ids, as containerd's CRI
   * stores (a truncindex) find them, so {@code crictl inspectp} takes the ids {@code crictl pods}
   * shows cut short. INVALID_ARGUMENT, in containerd's words, for a prefix of several.
   */
  static Optional<Container> byUniquePrefix(ContainerClient records, String kind, String prefix) {
    List<Container> matching = records.list(kindFilter(kind)).stream()
        .filter(r -> r.getId().startsWith(prefix)).limit(2).toList();
    if (matching.size() > 1) {
      throw Errors.invalidArgument("Multiple IDs found with provided prefix: %s", prefix);
    }
    return matching.stream().findFirst();
  }

  /**
   * The whole id of the one record of {@code kind} whose id is or begins with {@code idOrPrefix},
   * else {@code idOrPrefix} as given: the list calls' filters narrow an id this way, as
   * containerd's CRI normalizes them, so a prefix of several records, or of none, matches nothing.
   */
  static String wholeIdOrAsGiven(ContainerClient records, String kind, String idOrPrefix) {
    if (idOrPrefix.isEmpty()) {
      return idOrPrefix;
    }
    List<String> matching = records.list(kindFilter(kind)).stream().map(Container::getId)
        .filter(id -> id.startsWith(idOrPrefix)).limit(2).toList();
    return matching.size() == 1 ? matching.get(0) : idOrPrefix;
  }

  static <T extends Message> T config(Container record, Class<T> type) {
    Any any = record.getExtensionsMap().get(CONFIG);
    if (any == null || !any.is(type)) {
      throw Errors.failedPrecondition("record %s holds no CRI %s", record.getId(), type.getSimpleName());
    }
    try {
      return any.unpack(type);
    } catch (InvalidProtocolBufferException e) {
      throw Errors.failedPrecondition("record %s holds an unreadable %s: %s", record.getId(), type.getSimpleName(),
          e.getMessage());
    }
  }
}
