package dev.berth.cri;

import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.DetachRequest;
import berth.network.v1.GetAttachmentRequest;
import berth.network.v1.PortMapping;
import berth.network.v1.ResolvConfStyle;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.CreateContainerRequest;
import containerd.services.containers.v1.DeleteContainerRequest;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.spec.SpecJson;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.logging.Logger;
import runtime.v1.ContainerEventResponse;
import runtime.v1.ContainerEventType;
import runtime.v1.ContainerFilter;
import runtime.v1.NamespaceMode;
import runtime.v1.NamespaceOption;
import runtime.v1.PodSandboxConfig;
import runtime.v1.PodSandboxFilter;
import runtime.v1.PodSandboxMetadata;

/**
 * Pod sandboxes over Berth's APIs, without a pause container: a pod is a record (see
 * {@link CriRecords}), a network attachment named after its id (the network service makes and
 * pins its network namespace, writes its hosts, hostname and resolv.conf, and publishes its
 * ports) and IPC and UTS namespaces pinned by {@link PodNamespaces}, which also starts the
 * process holding a shared PID namespace for a pod that has one. Stopping a pod stops its
 * containers and gives back its network and namespaces; removing it removes its containers and
 * its record. Each of these tells its event as containerd's sandbox container does (see
 * {@link #whenPodEvent}; its removal through its record's deletion event, {@link ContainerEvents}).
 */
final class PodSandboxes {
  private static final Logger LOG = Logger.getLogger(PodSandboxes.class.getName());

  private final Channel api;
  private final PodNamespaces namespaces;
  private final CriContainers containers;
  private final ContainerClient records;
  private final NodeBoot boot;
  private final List<PodEventListener> podEventListeners = new CopyOnWriteArrayList<>();
  /**
   * The pods whose stop was told, by StopPodSandbox or by their holder's end, whichever claims
   * it first: containerd tells its sandbox's exit once, whatever ended it.
   */
  private final Set<String> stopTold = ConcurrentHashMap.newKeySet();
  private final UnloadableRecords unloadable = new UnloadableRecords();

  /** @param boot this boot of the node, named in the pods made */
  PodSandboxes(Channel api, PodNamespaces namespaces, CriContainers containers, NodeBoot boot) {
    this.api = api;
    this.boot = boot;
    this.namespaces = namespaces;
    this.containers = containers;
    this.records = new ContainerClient(api);
    namespaces.whenHolderEnds(this::holderEnded);
  }

  /**
   * A sandbox as kept: its record and config, and whether what held its namespaces was found gone
   * when it was read: the node rebooted since it was made, or its PID namespace holder was killed.
   */
  record Sandbox(Container record, PodSandboxConfig config, boolean namespacesLost) {
    String id() {
      return record.getId();
    }

    /**
     * Ready, as the CRI reports it: not stopped, and made on this boot with its PID namespace
     * holder, if it has one, still there, as containerd's sandbox is NOTREADY once its pause
     * container has ended, which a reboot ends too (the kubelet then makes the pod again).
     */
    boolean ready() {
      return notStopped() && !namespacesLost;
    }

    /** Not stopped by StopPodSandbox, but its namespaces gone: it takes no new containers. */
    boolean gone() {
      return notStopped() && namespacesLost;
    }

    /** Not stopped by StopPodSandbox: its network and namespaces are still held. */
    boolean notStopped() {
      return CriRecords.READY.equals(record.getLabelsMap().get(CriRecords.STATE));
    }

    NamespaceOption namespaceOptions() {
      return config.getLinux().getSecurityContext().getNamespaceOptions();
    }

    boolean hostNetwork() {
      return namespaceOptions().getNetwork() == NamespaceMode.NODE;
    }

    boolean hostIpc() {
      return namespaceOptions().getIpc() == NamespaceMode.NODE;
    }

    /** POD, the CRI's default: the pod's containers share one PID namespace, held by the pod. */
    boolean sharedPid() {
      return namespaceOptions().getPid() == NamespaceMode.POD;
    }

    /** The pod's hostname: the config's, else the node's, as with containerd. */
    String hostname() {
      return config.getHostname().isEmpty() ? nodeHostname() : config.getHostname();
    }

  }

  /**
   * The boot is compared with the one the record names ({@link NodeBoot#earlierThan}: for a pod
   * made by a berthd before pods named their boot, its directory under the state directory, else
   * the record's creation time), and the holder
   * looked at (two small files read), only for a pod not stopped, which has something to lose.
   */
  private Sandbox sandboxOf(Container record) {
    Sandbox kept = new Sandbox(record, CriRecords.config(record, PodSandboxConfig.class), false);
    if (!kept.notStopped()) {
      return kept;
    }
    return boot.earlierThan(record, namespaces.keptOnThisBoot(kept.id())) || namespaces.pidHolderGone(kept.id())
        ? new Sandbox(record, kept.config(), true) : kept;
  }

  /** Makes a ready pod; a failure at any step undoes the steps before it. */
  String run(PodSandboxConfig config) {
    PodSandboxMetadata m = config.getMetadata();
    if (m.getName().isEmpty() || m.getUid().isEmpty() || m.getNamespace().isEmpty()) {
      throw Errors.invalidArgument("the sandbox config's metadata needs a name, uid and namespace; got %s",
          m.toString().replace('\n', ' '));
    }
    checkCgroupParent(config.getLinux().getCgroupParent());
    NamespaceOption ns = config.getLinux().getSecurityContext().getNamespaceOptions();
    if (ns.hasUsernsOptions() && ns.getUsernsOptions().getMode() != NamespaceMode.NODE) {
      throw Errors.unimplemented("user namespaces are not supported: give the pod the node's (NODE)");
    }
    if (ns.getNetwork() == NamespaceMode.TARGET || ns.getIpc() == NamespaceMode.TARGET
        || ns.getPid() == NamespaceMode.TARGET) {
      throw Errors.invalidArgument("a pod sandbox cannot target another container's namespace");
    }
    String id = ContainerClient.newId();
    String name = String.join("_", "k8s", "POD", m.getName(), m.getNamespace(), m.getUid(),
        Integer.toString(m.getAttempt()));
    Container record = Container.newBuilder()
        .setId(id)
        .putLabels(ContainerLabels.NAME, name)
        .putLabels(ContainerLabels.CREATED_BY, "cri")
        .putLabels(CriRecords.KIND, CriRecords.SANDBOX)
        .putLabels(CriRecords.STATE, CriRecords.READY)
        .putLabels(CriRecords.BOOT_ID, boot.id())
        .setRuntime(Container.Runtime.newBuilder().setName(CriRecords.RUNTIME))
        // no process runs for the sandbox itself: an empty spec
        .setSpec(Any.newBuilder().setTypeUrl(SpecJson.TYPE_URL).setValue(ByteString.copyFromUtf8("{}")))
        .putExtensions(CriRecords.CONFIG, Any.pack(config))
        .build();
    // first: a name in use is refused (ALREADY_EXISTS naming the holder) before anything is made
    try {
      ContainersGrpc.newBlockingStub(api).create(CreateContainerRequest.newBuilder().setContainer(record).build());
    } catch (StatusRuntimeException e) {
      throw ReservedNames.refusal(e, records, "sandbox", ReservedNames.ofSandbox(m), name);
    }
    Sandbox sandbox = new Sandbox(record, config, false);
    try {
      String hostname = sandbox.hostname();
      namespaces.pin(id, sandbox.hostIpc(), sandbox.hostNetwork(), hostname, sandbox.sharedPid());
      attach(sandbox, hostname);
    } catch (RuntimeException e) {
      try {
        release(sandbox);
        ContainersGrpc.newBlockingStub(api).delete(DeleteContainerRequest.newBuilder().setId(id).build());
      } catch (RuntimeException undo) {
        LOG.warning("undoing the failed run of pod " + id + ": " + undo.getMessage());
      }
      throw e;
    }
    // as containerd's RunPodSandbox once its sandbox container's task has started
    tellMade(id);
    tell(id, ContainerEventType.CONTAINER_CREATED_EVENT);
    tell(id, ContainerEventType.CONTAINER_STARTED_EVENT);
    return id;
  }

  private static String nodeHostname() {
    try {
      return Files.readString(Path.of("/proc/sys/kernel/hostname"), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      throw Errors.internal(e, "cannot read this node's hostname: %s", e.getMessage());
    }
  }

  /** The cgroupfs driver's parent is a path; the systemd driver's slice names are refused. */
  private static void checkCgroupParent(String parent) {
    if (parent.endsWith(".slice") || parent.contains(".slice/") || parent.contains(":")) {
      throw Errors.invalidArgument("cgroup parent %s is a systemd slice: berth uses the cgroupfs cgroup driver;"
          + " configure the kubelet with --cgroup-driver=cgroupfs", parent);
    }
    if (!parent.isEmpty() && (!parent.startsWith("/") || parent.contains(".."))) {
      throw Errors.invalidArgument("cgroup parent %s must be an absolute cgroupfs path without ..", parent);
    }
  }

  private void attach(Sandbox sandbox, String hostname) {
    AttachmentsGrpc.newBlockingStub(api).attach(attachRequest(sandbox, hostname));
  }

  /** The pod's network attachment: its network, hostname, DNS, and published ports. */
  static AttachRequest attachRequest(Sandbox sandbox, String hostname) {
    PodSandboxConfig config = sandbox.config();
    AttachRequest.Builder attach = AttachRequest.newBuilder()
        .setContainerId(sandbox.id())
        .setNetwork(sandbox.hostNetwork() ? "host" : ApiRuntimeState.DEFAULT_NETWORK)
        .setHostname(hostname);
    // as containerd's CRI writes a pod's, not Docker's, on the host's network too: what a DNSConfig
    // gives alone, even an empty one; a copy of the host's file for a pod without one
    if (config.hasDnsConfig()) {
      attach.addAllDnsServers(config.getDnsConfig().getServersList())
          .addAllDnsSearch(config.getDnsConfig().getSearchesList())
          .addAllDnsOptions(config.getDnsConfig().getOptionsList())
          .setResolvConfStyle(ResolvConfStyle.RESOLV_CONF_CONTAINERD);
    } else {
      attach.setResolvConfStyle(ResolvConfStyle.RESOLV_CONF_HOST_COPY);
    }
    if (!sandbox.hostNetwork()) {
      for (runtime.v1.PortMapping p : config.getPortMappingsList()) {
        // as CNI's portmap: a port without a host port is not published
        if (p.getHostPort() > 0) {
          attach.addPortMappings(PortMapping.newBuilder().setHostIp(p.getHostIp()).setHostPort(p.getHostPort())
              .setContainerPort(p.getContainerPort()).setProtocol(p.getProtocol().name().toLowerCase(Locale.ROOT)));
        }
      }
    }
    return attach.build();
  }

  /** Stops the pod's containers (at once, as containerd does) and gives back its network and namespaces. */
  void stop(String id) {
    stop(get(id));
  }

  /**
   * A ready pod's stop is told once it is NOTREADY, as containerd's handleSandboxExit updates the
   * sandbox's status before it sends the event. The NOT_READY state is written before the holder
   * is killed: once the holder is gone the pod reads NOTREADY, whoever builds its status then (a
   * holder end seen at the same time, a ListPodSandbox). The stop is claimed before that kill, so
   * that the holder's end is not told again; not told for a pod not ready, whose end was told
   * already (its holder was killed) or that did not run on this boot. A release failing after the
   * state is written leaves the pod NOTREADY; the kubelet's next StopPodSandbox releases it again.
   */
  private void stop(Sandbox sandbox) {
    String id = sandbox.id();
    boolean tellsStop = sandbox.ready() && stopTold.add(id);
    try {
      for (Container c : containers.of(id)) {
        containers.stopAtOnce(c.getId());
      }
      if (sandbox.notStopped()) {
        records.updateLabels(id, Map.of(CriRecords.STATE, CriRecords.NOT_READY));
      }
    } catch (RuntimeException e) {
      if (tellsStop) {
        // the kubelet's next StopPodSandbox tells it
        stopTold.remove(id);
      }
      throw e;
    }
    if (tellsStop) {
      // after the NOT_READY write, whose update event follows the exits of the containers stopped
      tell(id, ContainerEventType.CONTAINER_STOPPED_EVENT, PodEventListener::toldAfterItsUpdate);
    }
    release(sandbox);
  }

  /**
   * Removes the pod, stopping it first as containerd does (its stop told before its removal);
   * a pod not here is removed already.
   */
  void remove(String idOrPrefix) {
    Optional<Sandbox> sandbox = find(idOrPrefix);
    if (sandbox.isEmpty()) {
      return;
    }
    String id = sandbox.get().id();
    if (sandbox.get().notStopped()) {
      stop(sandbox.get());
    }
    for (Container c : containers.of(id)) {
      containers.remove(c.getId());
    }
    release(sandbox.get());
    tellRemoving(id);
    try {
      ContainersGrpc.newBlockingStub(api).delete(DeleteContainerRequest.newBuilder().setId(id).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
    // after the record's deletion, which tells a late holderEnded that the pod is gone (and
    // GetContainerEvents its DELETED, after those of its containers' records deleted above)
    stopTold.remove(id);
  }

  /** What a GetContainerEvents subscriber hears of pods themselves ({@link #whenPodEvent}). */
  @FunctionalInterface
  interface PodEventListener {
    void told(ContainerEventResponse event);

    /**
     * The STOPPED of a pod that StopPodSandbox (or RemovePodSandbox) stopped, told once its record
     * was written NOT_READY, after the exits of the containers the stop ended: berthd published
     * those before the record's update, so a subscriber that sends it once that update has come
     * through berthd's events sends it after those containers' STOPPED, as containerd does.
     */
    default void toldAfterItsUpdate(ContainerEventResponse event) {
      told(event);
    }

    /**
     * Pod {@code id} was made: told before its CREATED, and even when that event cannot be built,
     * so that the subscriber knows the pod and tells its DELETED when its record goes.
     */
    default void made(String id) {}

    /**
     * Pod {@code id}'s record is about to be deleted: told before berthd publishes the deletion,
     * so that a subscriber that has not known the pod (its listing did not find it any more)
     * still tells its DELETED.
     */
    default void removing(String id) {}
  }

  /**
   * Tells {@code listener} each event of a pod itself, as containerd's sandbox container's
   * (container id and sandbox id both the pod's): CREATED and STARTED when RunPodSandbox made it,
   * STOPPED once when it stops (StopPodSandbox's {@link PodEventListener#toldAfterItsUpdate}, or
   * its PID namespace holder ending however it ends). Its DELETED is not told here:
   * {@link ContainerEvents} takes it from its record's deletion, on the path of its containers'
   * deletions, so that it comes after them ({@link PodEventListener#removing} comes before). The
   * returned Runnable stops telling it.
   */
  Runnable whenPodEvent(PodEventListener listener) {
    podEventListeners.add(listener);
    return () -> podEventListeners.remove(listener);
  }

  /**
   * An event of the pod or of one of its containers, as containerd's generateAndSendContainerEvent
   * builds it: the pod's status (none if it is gone) and the statuses of all its containers,
   * stamped now; the caller names the container and the event.
   */
  ContainerEventResponse.Builder eventOf(String podId) {
    ContainerEventResponse.Builder event = ContainerEventResponse.newBuilder()
        .setCreatedAt(CriMessages.nanos(Instant.now()));
    find(podId).ifPresent(s -> event.setPodSandboxStatus(CriMessages.sandboxStatus(s, network(s))));
    for (CriContainers.CriContainer c : containers.list(ContainerFilter.newBuilder().setPodSandboxId(podId).build())) {
      event.addContainersStatuses(CriMessages.containerStatus(c, containers.statusImage(c)));
    }
    return event;
  }

  /**
   * A holder killed from outside: its pod's end, as containerd's sandbox exit monitor tells it.
   * The end of one that RemovePodSandbox killed may be seen after the pod is gone (the JDK polls
   * for it): its stop was told already, and the claim is let go, as the pod's id is not used again.
   */
  private void holderEnded(String id) {
    if (!stopTold.add(id)) {
      return;
    }
    try {
      if (find(id).isPresent()) {
        tell(id, ContainerEventType.CONTAINER_STOPPED_EVENT);
      } else {
        stopTold.remove(id);
      }
    } catch (RuntimeException failure) {
      LOG.warning("cannot tell the end of pod " + id + "'s PID namespace holder as a CRI event: "
          + failure.getMessage());
    }
  }

  /**
   * Built once for every listener, now, as containerd builds it when the call gets there; a
   * failure to build it is logged and fails nothing, as containerd's.
   */
  private void tell(String id, ContainerEventType type) {
    tell(id, type, PodEventListener::told);
  }

  private void tell(String id, ContainerEventType type, BiConsumer<PodEventListener, ContainerEventResponse> how) {
    if (podEventListeners.isEmpty()) {
      return;
    }
    ContainerEventResponse event;
    try {
      event = eventOf(id).setContainerId(id).setContainerEventType(type).build();
    } catch (RuntimeException failure) {
      LOG.warning("cannot tell pod " + id + "'s " + type + " as a CRI event: " + failure.getMessage());
      return;
    }
    // one listener failing (its subscriber going away as it is told) neither keeps the event from
    // the others nor fails the call that told it
    for (PodEventListener listener : podEventListeners) {
      try {
        how.accept(listener, event);
      } catch (RuntimeException failure) {
        LOG.warning("cannot tell pod " + id + "'s " + type + " to a GetContainerEvents subscriber: " + failure);
      }
    }
  }

  private void tellMade(String id) {
    for (PodEventListener listener : podEventListeners) {
      try {
        listener.made(id);
      } catch (RuntimeException failure) {
        LOG.warning("cannot tell a GetContainerEvents subscriber that pod " + id + " was made: " + failure);
      }
    }
  }

  private void tellRemoving(String id) {
    for (PodEventListener listener : podEventListeners) {
      try {
        listener.removing(id);
      } catch (RuntimeException failure) {
        LOG.warning("cannot tell a GetContainerEvents subscriber that pod " + id + " is being removed: " + failure);
      }
    }
  }

  private void release(Sandbox sandbox) {
    try {
      AttachmentsGrpc.newBlockingStub(api).detach(DetachRequest.newBuilder().setContainerId(sandbox.id()).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
    namespaces.unpin(sandbox.id());
  }

  /** NOT_FOUND, in containerd's words, unless a sandbox has this id (or unique id prefix). */
  Sandbox get(String id) {
    return find(id).orElseThrow(() -> Errors.notFound(
        "an error occurred when try to find sandbox \"%s\": not found", id));
  }

  /**
   * The sandbox with this id, or whose id alone begins with it ({@link CriRecords#byUniquePrefix}):
   * another record of this id (berthctl's, a container's) hides no pod whose id it begins.
   */
  Optional<Sandbox> find(String id) {
    return record(id).map(this::sandboxOf);
  }

  private Optional<Container> record(String id) {
    if (id.isEmpty()) {
      throw Errors.invalidArgument("no pod sandbox id given");
    }
    return records.find(id).filter(r -> CriRecords.SANDBOX.equals(r.getLabelsMap().get(CriRecords.KIND)))
        .or(() -> CriRecords.byUniquePrefix(records, CriRecords.SANDBOX, id));
  }

  /** Watches the holders of the pods made before this berthd started, as run watches those it starts. */
  void watchRunningHolders() {
    namespaces.watchRunningHolders();
  }

  /** The pod's PID namespace holder as a container joins it, while it runs; empty for a pod without one. */
  Optional<String> pidHolderLabel(Sandbox sandbox) {
    return namespaces.holderJoinLabel(sandbox.id());
  }

  /** The pod's verbose status info, as {@link SandboxInfo} tells it. */
  String info(Sandbox sandbox, Optional<Attachment> network) {
    return SandboxInfo.of(sandbox, network, namespaces, namespaces.holderPid(sandbox.id()));
  }

  /**
   * The pod's network attachment until it is stopped (one whose holder is gone keeps its network
   * and address, as containerd's keeps its network namespace when its pause container ends).
   */
  Optional<Attachment> network(Sandbox sandbox) {
    if (!sandbox.notStopped()) {
      return Optional.empty();
    }
    try {
      return Optional.of(AttachmentsGrpc.newBlockingStub(api)
          .get(GetAttachmentRequest.newBuilder().setContainerId(sandbox.id()).build()).getAttachment());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /**
   * The filter of ListPodSandbox or ListPodSandboxStats with its id made whole where it is a
   * unique prefix of one ({@link CriRecords#wholeIdOrAsGiven}), as containerd's CRI normalizes it.
   */
  PodSandboxFilter withWholeId(PodSandboxFilter filter) {
    return filter.toBuilder().setId(CriRecords.wholeIdOrAsGiven(records, CriRecords.SANDBOX, filter.getId())).build();
  }

  /**
   * The pod's whole id: NOT_FOUND, in the words of containerd's streaming calls, unless a pod has
   * this id or unique id prefix; INVALID_ARGUMENT for a prefix of several.
   */
  String wholeId(String idOrPrefix) {
    return record(idOrPrefix).map(Container::getId).orElseThrow(() -> Errors.notFound(
        "failed to find sandbox \"%s\" in store: not found", idOrPrefix));
  }

  /**
   * Sandboxes passing the filter: an id, a state, labels that must all match; a record without a
   * readable config is left out ({@link UnloadableRecords}).
   */
  List<Sandbox> list(PodSandboxFilter filter) {
    return records.list(CriRecords.kindFilter(CriRecords.SANDBOX)).stream()
        .filter(r -> filter.getId().isEmpty() || r.getId().equals(filter.getId()))
        .filter(r -> unloadable.loads(r, PodSandboxConfig.class))
        .map(this::sandboxOf)
        .filter(s -> !filter.hasState() || (filter.getState().getStateValue() == 0) == s.ready())
        .filter(s -> s.config().getLabelsMap().entrySet().containsAll(filter.getLabelSelectorMap().entrySet()))
        .toList();
  }

  /**
   * The namespace files the pod's containers join (its network's, IPC's and UTS's, empty for the
   * host's), its shared PID namespace as the {@code io.berth.pid} label joins it (empty without
   * one), the network service's hosts, hostname and resolv.conf for them, in that order, and the
   * pod's /dev/shm, empty without one.
   */
  record Namespaces(String network, String ipc, String uts, String pid, List<String> files, String shm) {}

  /**
   * The pod's PID namespace for a container of PID mode {@code containerPid}: only POD joins the
   * pod's, which is its holder's for a pod sharing one, one made on demand for a pod with
   * {@code pid: CONTAINER}, and the node's (empty) for one with {@code pid: NODE}.
   */
  private String pidNamespace(Sandbox sandbox, NamespaceMode containerPid) {
    if (containerPid != NamespaceMode.POD) {
      return "";
    }
    return switch (sandbox.namespaceOptions().getPid()) {
      case POD -> namespaces.pid(sandbox.id());
      case CONTAINER -> namespaces.pidOnDemand(sandbox.id());
      default -> "";
    };
  }

  Namespaces namespacesOf(Sandbox sandbox, NamespaceMode containerPid) {
    Attachment network = network(sandbox).orElseThrow(() -> Errors.failedPrecondition(
        "pod sandbox %s has no network: it is not ready", sandbox.id()));
    // a pod on the node's network joins the network service's host, which may not be berthd's own
    return new Namespaces(network.getNetnsPath(),
        sandbox.hostIpc() ? "" : namespaces.ipc(sandbox.id()).toString(),
        sandbox.hostNetwork() ? "" : namespaces.uts(sandbox.id()).toString(),
        pidNamespace(sandbox, containerPid),
        List.of(network.getFiles().getHosts(), network.getFiles().getHostname(), network.getFiles().getResolvConf()),
        // without the pod's tmpfs its containers keep their own
        sandbox.hostIpc() ? "" : namespaces.mountedShm(sandbox.id()).map(Path::toString).orElse(""));
  }
}
