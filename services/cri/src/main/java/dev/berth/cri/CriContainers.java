package dev.berth.cri;

import berth.logs.v1.LogsGrpc;
import berth.logs.v1.ReopenLogRequest;
import com.google.protobuf.Any;
import com.google.protobuf.FieldMask;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.DeleteContainerRequest;
import containerd.services.containers.v1.UpdateContainerRequest;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.v1.types.Process;
import dev.berth.api.InvalidValueException;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.ClientException;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.client.containers.ContainerUpdate;
import dev.berth.client.containers.ImageRootfs;
import dev.berth.client.containers.NewContainer;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageConfig;
import dev.berth.client.spec.ResourceFlags;
import dev.berth.client.spec.Spec;
import dev.berth.client.spec.SpecBuilder;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import runtime.v1.ContainerConfig;
import runtime.v1.ContainerFilter;
import runtime.v1.ContainerMetadata;
import runtime.v1.ContainerState;
import runtime.v1.LinuxContainerResources;
import runtime.v1.NamespaceMode;
import runtime.v1.NamespaceOption;
import runtime.v1.PodSandboxConfig;

/**
 * CRI containers over the client library's container operations: {@link ContainerClient} makes
 * the record and its snapshot, {@link ContainerTasks} starts, stops and removes, and the Tasks API
 * tells the state. Each is a Berth container record in the pod's namespaces (see
 * {@link ContainerSpecs}) whose task's monitor writes the CRI log where the kubelet asks. Once
 * its main process has ended, the exit is kept on the record and the task deleted
 * ({@link ExitRecords}).
 */
final class CriContainers {
  private static final Logger LOG = Logger.getLogger(CriContainers.class.getName());
  /** containerd's exit code for a container whose process could not start. */
  private static final int START_ERROR_EXIT_CODE = 128;
  /** containerd's CRI's heading for a task it could not create. */
  private static final String CONTAINERD_TASK_REFUSAL = "failed to create containerd task: ";
  /** containerd's CRI's heading, then its shim's, before the runtime's reason. */
  private static final String CONTAINERD_CREATE_REFUSAL =
      CONTAINERD_TASK_REFUSAL + "failed to create shim task: OCI runtime create failed: ";
  /** The tasks service's heading when a namespace to join was not there at the task's create. */
  private static final String JOIN_REFUSAL = "failed to join ";

  private final Channel api;
  private final ContainerClient records;
  private final ContainerTasks tasks;
  private final CriImages images;
  private final ExitRecords exits;
  /** The containers a StartContainer is starting. */
  private final Set<String> starting = ConcurrentHashMap.newKeySet();
  private final List<RemovalListener> removalListeners = new CopyOnWriteArrayList<>();
  private final UnloadableRecords unloadable = new UnloadableRecords();

  CriContainers(Channel api, CriImages images, ExitRecords exits) {
    this.api = api;
    this.records = new ContainerClient(api);
    this.tasks = new ContainerTasks(api);
    this.images = images;
    this.exits = exits;
  }

  /** A container as the CRI shows it: its record, config and task. */
  record CriContainer(dev.berth.client.containers.ContainerState state, ContainerConfig config) {
    Container record() {
      return state.record();
    }

    String id() {
      return state.id();
    }

    String sandboxId() {
      return record().getLabelsMap().getOrDefault(CriRecords.SANDBOX_ID, "");
    }

    ContainerState criState() {
      if (state.running()) {
        return ContainerState.CONTAINER_RUNNING;
      }
      if (state.exited()) {
        return ContainerState.CONTAINER_EXITED;
      }
      return state.task().isEmpty() || state.status().equals("created") ? ContainerState.CONTAINER_CREATED
          : ContainerState.CONTAINER_UNKNOWN;
    }

    /**
     * What ended it: StartError, OOMKilled, Completed or Error, as containerd says; empty while it
     * has not ended.
     */
    String reason() {
      if (!state.exited()) {
        return "";
      }
      if (record().getLabelsMap().containsKey(CriRecords.START_ERROR)) {
        return "StartError";
      }
      if (ContainerLabels.TRUE.equals(record().getLabelsMap().get(ContainerLabels.OOM_KILLED))) {
        return "OOMKilled";
      }
      return state.exitCode() == 0 ? "Completed" : "Error";
    }

    /** Why its start failed; empty for any other container. */
    String message() {
      return record().getLabelsMap().getOrDefault(CriRecords.START_ERROR, "");
    }

    String logPath() {
      return record().getLabelsMap().getOrDefault(ContainerLabels.LOG_PATH, "");
    }

    String imageRef() {
      return record().getLabelsMap().getOrDefault(CriRecords.IMAGE_REF, "");
    }
  }

  /** The image of a container's status: its name and image_ref. */
  record StatusImage(String name, String ref) {}

  /**
   * The image and image_ref of a container's status, as containerd's: while its image is here,
   * its first repo tag (the name the kubelet shows as the container's image, normalized,
   * {@code docker.io/library/busybox:latest} for {@code busybox}) and its first repo digest (what
   * the kubelet shows as its imageID); else the name the config gave and the image id that
   * ListContainers gives.
   */
  StatusImage statusImage(CriContainer c) {
    Optional<CriImage> image = images.list().stream().filter(i -> i.id().equals(c.imageRef())).findFirst();
    return new StatusImage(
        image.flatMap(i -> i.repoTags().stream().findFirst()).orElse(c.config().getImage().getImage()),
        image.flatMap(i -> i.repoDigests().stream().findFirst()).orElse(c.imageRef()));
  }

  /**
   * Makes the container in a ready pod: the image must be here (NOT_FOUND), the name free
   * (ALREADY_EXISTS naming the holder); bad values are INVALID_ARGUMENT and leave nothing.
   */
  String create(PodSandboxes.Sandbox sandbox, PodSandboxes.Namespaces namespaces, ContainerConfig config) {
    ContainerMetadata m = config.getMetadata();
    if (m.getName().isEmpty()) {
      throw Errors.invalidArgument("the container config's metadata needs a name");
    }
    String reference = config.getImage().getImage();
    if (reference.isEmpty()) {
      throw Errors.invalidArgument("the container config names no image");
    }
    CriImage found = images.find(reference).orElseThrow(() -> Errors.notFound(
        "image %s not found: pull it first", reference));
    // the record as listed: looking it up again by name cost a call to the Images API
    Image image = found.records().get(0);
    // the config CriImages keeps per image id: reading it from the content store again costs three calls
    ImageConfig imageConfig = ImageConfig.parse(found.config());
    PodSandboxConfig pod = sandbox.config();
    String id = ContainerClient.newId();
    String name = String.join("_", "k8s", m.getName(), pod.getMetadata().getName(),
        pod.getMetadata().getNamespace(), pod.getMetadata().getUid(), Integer.toString(m.getAttempt()));
    Map<String, String> labels = new HashMap<>(Map.of(
        ContainerLabels.NAME, name,
        ContainerLabels.CREATED_BY, "cri",
        CriRecords.KIND, CriRecords.CONTAINER,
        CriRecords.SANDBOX_ID, sandbox.id(),
        CriRecords.IMAGE_REF, found.id()));
    if (!pod.getLogDirectory().isEmpty() && !config.getLogPath().isEmpty()) {
      labels.put(ContainerLabels.LOG_PATH, Path.of(pod.getLogDirectory()).resolve(config.getLogPath()).normalize()
          .toString());
    }
    if (config.getStdin()) {
      labels.put(ContainerLabels.OPEN_STDIN, ContainerLabels.TRUE);
      if (config.getStdinOnce()) {
        labels.put(ContainerLabels.STDIN_ONCE, ContainerLabels.TRUE);
      }
    }
    NamespaceOption options = config.getLinux().getSecurityContext().getNamespaceOptions();
    boolean hostPid = options.getPid() == NamespaceMode.NODE
        || options.getPid() == NamespaceMode.POD && sandbox.namespaceOptions().getPid() == NamespaceMode.NODE;
    String pidJoin = pidJoin(sandbox, options, namespaces);
    if (!pidJoin.isEmpty()) {
      labels.put(ContainerLabels.PID, pidJoin);
    }
    ContainerSpecs.Pod podSide = new ContainerSpecs.Pod(namespaces, hostPid, pod.getLinux().getCgroupParent(),
        namespaces.files(), pod.getLinux().getSysctlsMap(), sandbox.hostname());
    Spec spec;
    try {
      SpecBuilder builder = ContainerSpecs.prepare(CriServices.NAMESPACE, id, config, imageConfig, podSide)
          .annotations(ContainerSpecs.criAnnotations(m.getName(), sandbox, image.name()));
      if (ContainerSpecs.readsImageUsers(config, imageConfig)) {
        // the user's ids and groups are read from a short-lived view of the image
        try (ImageRootfs rootfs = ImageRootfs.mount(api, records.unpacked(image))) {
          spec = builder.rootfsFiles(rootfs.files()).build();
        }
      } else {
        spec = builder.build();
      }
    } catch (InvalidValueException | ClientException e) {
      throw Errors.invalidArgument("container %s: %s", m.getName(), e.getMessage());
    }
    dev.berth.client.containers.ContainerConfig described = dev.berth.client.containers.ContainerConfig.empty();
    described.config().put("StopSignal", imageConfig.stopSignal()).put("Tty", config.getTty())
        .put("OpenStdin", config.getStdin()).put("Image", reference);
    try {
      records.create(new NewContainer(id, image, spec, labels, Map.of(CriRecords.CONFIG, Any.pack(config),
          dev.berth.client.containers.ContainerConfig.EXTENSION, described.toAny())), found.chainId());
    } catch (StatusRuntimeException e) {
      throw ReservedNames.refusal(e, records, "container", ReservedNames.ofContainer(m, pod.getMetadata()), name);
    }
    return id;
  }

  /**
   * The container's PID mode, as containerd reads it: its own namespace options', POD (the CRI's
   * default) when it gives none, whatever the pod's mode; network and IPC are always the pod's.
   */
  static NamespaceMode pidMode(ContainerConfig config) {
    return config.getLinux().getSecurityContext().getNamespaceOptions().getPid();
  }

  /**
   * The PID namespace to join as the {@link ContainerLabels#PID} label names it, empty for a new
   * one (or the node's, see hostPid). TARGET: the running target container's, by its id; POD: the
   * pod's, by its holder. The tasks service looks either up at each task create and checks the
   * created task joined it, so a target or holder that ended before StartContainer fails the start
   * instead of its PID naming another process.
   */
  private String pidJoin(PodSandboxes.Sandbox sandbox, NamespaceOption options, PodSandboxes.Namespaces pod) {
    if (options.getPid() == NamespaceMode.TARGET) {
      CriContainer target = get(options.getTargetId());
      if (!target.state().running() || !target.sandboxId().equals(sandbox.id())) {
        throw Errors.failedPrecondition("target container %s is not running in pod %s", options.getTargetId(),
            sandbox.id());
      }
      return ContainerLabels.JOINED_CONTAINER_PREFIX + target.id();
    }
    return options.getPid() == NamespaceMode.POD ? pod.pid() : "";
  }

  /**
   * Gives a container created by an older berthd, whose spec joins a PID namespace by a path, the
   * {@link ContainerLabels#PID} label that path stood for, as {@link LegacyPidJoin} verifies it
   * ({@code holderLabel}: the pod's PID namespace holder's, while it runs); FAILED_PRECONDITION
   * when it cannot be verified. Nothing happens to any other container.
   */
  void upgradeLegacyPidJoin(CriContainer c, Optional<String> holderLabel) {
    OptionalLong pid = LegacyPidJoin.pathPid(c.record());
    if (pid.isEmpty()) {
      return;
    }
    NamespaceOption options = c.config().getLinux().getSecurityContext().getNamespaceOptions();
    Optional<CriContainer> target = options.getPid() == NamespaceMode.TARGET && !options.getTargetId().isEmpty()
        ? find(options.getTargetId()).map(this::of)
            .filter(t -> t.sandboxId().equals(c.sandboxId()) && t.state().running())
        : Optional.empty();
    String label = LegacyPidJoin.label(c.id(), pid.getAsLong(), holderLabel, target.map(CriContainer::id),
        target.map(t -> t.state().pid()));
    records.updateLabels(c.id(), Map.of(ContainerLabels.PID, label));
    LOG.info("container " + c.id() + " made by an older berthd joins its PID namespace as " + label
        + " instead of by the path /proc/" + pid.getAsLong() + "/ns/pid");
  }

  /**
   * Starts a created container; UNKNOWN, leaving it as it is, for one that runs or ran, as containerd. One that cannot
   * start, whatever refused it (a missing executable, or runc refusing its spec: a mount, a
   * sysctl, a cgroup), ends as with containerd, with exit code 128, reason StartError and the
   * error as its message. The kubelet shows that and restarts it with its back-off; a container
   * left created would be replaced at every sync of the pod without one. So does one whose pod is
   * not running ({@code sandboxRunning} false), refused before its log is made, as containerd
   * refuses it.
   */
  void start(CriContainer given, BooleanSupplier sandboxRunning) {
    // one start at a time, as containerd's starting state: a second one failing on the first's
    // task would end the container it started
    if (!starting.add(given.id())) {
      throw notStartable(given, "container is already in starting state");
    }
    try {
      // read again in here: a start that ended meanwhile has changed it
      CriContainer c = get(given.id());
      if (c.criState() != ContainerState.CONTAINER_CREATED) {
        // refused before anything is marked, as containerd refuses it before its starting state
        throw notStartable(c, "container is in " + c.criState() + " state");
      }
      if (!sandboxRunning.getAsBoolean()) {
        // containerd's words, an error of no errdefs kind there: UNKNOWN
        throw endedWithStartError(c, Status.UNKNOWN.withDescription(
            String.format("sandbox container \"%s\" is not running", c.sandboxId())).asRuntimeException());
      }
      startCreated(c);
    } finally {
      starting.remove(given.id());
    }
  }

  /**
   * containerd's refusal of a start for the container's state, in its words: an error of no
   * errdefs kind there, so UNKNOWN, the container left as it is.
   */
  private static StatusRuntimeException notStartable(CriContainer c, String why) {
    return Status.UNKNOWN.withDescription(String.format("failed to set starting state for container \"%s\": %s",
        c.id(), why)).asRuntimeException();
  }

  /** Makes its log and starts its task; a failure ends it with StartError. */
  private void startCreated(CriContainer c) {
    try {
      if (!c.logPath().isEmpty()) {
        ContainerLogFile.create(Path.of(c.logPath()));
      }
      tasks.startWithoutRestarts(c.state());
    } catch (IOException e) {
      throw startError(c, Status.UNKNOWN, "failed to create container loggers: " + e.getMessage(),
          new UncheckedIOException(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted starting container " + c.id()).asRuntimeException();
    } catch (ClientException e) {
      throw startError(c, Status.UNKNOWN, e.getMessage(), e);
    } catch (StatusRuntimeException e) {
      throw startError(c, e.getStatus(), e.getStatus().getDescription(), e);
    }
  }

  /**
   * Ends container {@code c} with StartError and answers {@code failure} in {@code status}'s code.
   * A runtime's refusal is worded as containerd's CRI words it over its shim (what a user finds
   * when searching the message {@code kubectl describe pod} shows); the Tasks API keeps berthd's
   * words for ctr.
   */
  private StatusRuntimeException startError(CriContainer c, Status status, String failure, RuntimeException cause) {
    String message = ContainerTasks.runtimeRefusal(String.valueOf(failure))
        .map(why -> CONTAINERD_CREATE_REFUSAL + why + ": unknown")
        .orElse(String.valueOf(failure).startsWith(JOIN_REFUSAL) ? CONTAINERD_TASK_REFUSAL + failure
            : "failed to start container " + c.id() + ": " + failure);
    return endedWithStartError(c, status.withDescription(message).withCause(cause).asRuntimeException());
  }

  /** Ends container {@code c} with StartError, its message {@code answer}'s, and answers {@code answer}. */
  private StatusRuntimeException endedWithStartError(CriContainer c, StatusRuntimeException answer) {
    try {
      records.updateLabels(c.id(), Map.of(CriRecords.START_ERROR, answer.getStatus().getDescription()));
      exits.keep(c.id(), START_ERROR_EXIT_CODE, Instant.now());
    } catch (RuntimeException e) {
      // the start's failure is the one the kubelet must see; the container then shows created
      answer.addSuppressed(e);
    }
    return answer;
  }

  /**
   * SIGTERM (or the image's stop signal), then SIGKILL after {@code timeout}; stopping a stopped one
   * does nothing. A main process the kernel would not deliver the polite signal to is killed at once
   * (see {@link DiscardedSignals}): waiting out the timeout would end the same way. The exit is
   * kept before the answer, so the container shows exited at once.
   */
  void stop(String idOrPrefix, Duration timeout) {
    CriContainer c = get(idOrPrefix);
    String id = c.state().id();
    dev.berth.client.containers.ContainerState state = c.state();
    Duration grace = state.running() && DiscardedSignals.wouldDrop(state.pid(),
        dev.berth.client.containers.ContainerConfig.of(state.record()).stopSignal())
        ? Duration.ZERO : timeout;
    try {
      tasks.stopWithoutRestarts(state, grace).ifPresent(exit ->
          exits.keep(id, exit.getExitStatus(), ProtoTimes.toInstant(exit.getExitedAt())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted stopping container " + id).asRuntimeException();
    }
  }

  void stopAtOnce(String id) {
    stop(id, Duration.ZERO);
  }

  /**
   * Removes the container (killed first if it runs), its task and record; one not here is removed
   * already. Its snapshot, no longer referenced once the record is gone, is left to the garbage
   * collector, which the record's deletion wakes: unmounting nothing but removing a directory
   * tree and a metadata row, it need not hold up the kubelet (containerd's metadata store leaves
   * a removed snapshot's directory to its collector too), and a crash between the two leaves
   * nothing the collector would not find.
   */
  void remove(String idOrPrefix) {
    Optional<Container> record = find(idOrPrefix);
    if (record.isEmpty()) {
      return;
    }
    String id = record.get().getId();
    // the task itself, not the exit kept on the record: one that has not been deleted yet must go first
    dev.berth.client.containers.ContainerState state = dev.berth.client.containers.ContainerState.of(api,
        record.get());
    try {
      if (state.running()) {
        tasks.stopWithoutRestarts(state, Duration.ZERO);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted removing container " + id).asRuntimeException();
    }
    if (state.task().isPresent()) {
      ignoringGone(() -> TasksGrpc.newBlockingStub(api).delete(DeleteTaskRequest.newBuilder().setContainerId(id)
          .build()));
    }
    tellRemoving(id, record.get().getLabelsMap().getOrDefault(CriRecords.SANDBOX_ID, ""));
    ignoringGone(() -> ContainersGrpc.newBlockingStub(api).delete(DeleteContainerRequest.newBuilder().setId(id)
        .build()));
  }

  /** What a GetContainerEvents subscriber hears of the containers RemoveContainer (or RemovePodSandbox) removes. */
  @FunctionalInterface
  interface RemovalListener {
    /**
     * Container {@code id} of pod {@code sandboxId} is about to be deleted: told before berthd
     * publishes its record's deletion, so that a subscriber can still tell its events once its
     * record cannot be looked up any more.
     */
    void removing(String id, String sandboxId);
  }

  /** Tells {@code listener} of each removal from now on; the returned Runnable stops telling it. */
  Runnable whenRemoving(RemovalListener listener) {
    removalListeners.add(listener);
    return () -> removalListeners.remove(listener);
  }

  private void tellRemoving(String id, String sandboxId) {
    for (RemovalListener listener : removalListeners) {
      try {
        listener.removing(id, sandboxId);
      } catch (RuntimeException failure) {
        LOG.warning("cannot tell a GetContainerEvents subscriber that container " + id + " is being removed: "
            + failure);
      }
    }
  }

  /** Runs {@code call}; NOT_FOUND means another removal got there first, which is what was wanted. */
  private static void ignoringGone(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }

  /**
   * New CPU and memory limits, CPUs and memory nodes, a new memory limit with swap as
   * {@link MemorySwap} says: a running container's cgroup gets them at once (through
   * {@link ContainerUpdate}, the client's {@code docker update}); its spec and CRI config keep
   * them for later starts and for ContainerStatus. Zero or empty values leave a limit as it is.
   */
  void update(String idOrPrefix, LinuxContainerResources r) {
    CriContainer c = get(idOrPrefix);
    String id = c.state().id();
    Long swap = r.getMemoryLimitInBytes() > 0
        ? MemorySwap.of(r.getMemoryLimitInBytes(), r.getMemorySwapLimitInBytes()).orElse(null)
        : r.getMemorySwapLimitInBytes() != 0 ? Long.valueOf(r.getMemorySwapLimitInBytes()) : null;
    ContainerUpdate.Changes changes = new ContainerUpdate.Changes(
        r.getMemoryLimitInBytes() > 0 ? r.getMemoryLimitInBytes() : null, swap, null,
        r.getCpuQuota() > 0 ? new ResourceFlags.CpuQuota(r.getCpuQuota(),
            r.getCpuPeriod() > 0 ? r.getCpuPeriod() : ResourceFlags.CPU_PERIOD) : null, null, null,
        r.getCpuShares() > 0 ? r.getCpuShares() : null,
        r.getCpusetCpus().isEmpty() ? null : ResourceFlags.cpuset(r.getCpusetCpus()),
        r.getCpusetMems().isEmpty() ? null : ResourceFlags.cpuset(r.getCpusetMems()), null, null,
        r.getUnifiedMap().isEmpty() ? null : r.getUnifiedMap(), null);
    if (!changes.any()) {
      return;
    }
    try {
      new ContainerUpdate(api).apply(c.state(), changes);
    } catch (InvalidValueException | ClientException e) {
      throw Errors.invalidArgument("container %s: %s", id, e.getMessage());
    } catch (StatusRuntimeException e) {
      // the runtime's refusal (runc's "cannot use unified on cgroup v1"), the spec left as it was
      throw Status.fromCode(e.getStatus().getCode()).withDescription("failed to update resources: failed to update "
          + "resources: " + e.getStatus().getDescription()).asRuntimeException();
    }
    LinuxContainerResources.Builder kept = c.config().getLinux().getResources().toBuilder();
    if (changes.memory() != null) {
      kept.setMemoryLimitInBytes(changes.memory());
    }
    if (changes.memorySwap() != null) {
      kept.setMemorySwapLimitInBytes(changes.memorySwap());
    }
    if (changes.cpus() != null) {
      kept.setCpuQuota(changes.cpus().quota()).setCpuPeriod(changes.cpus().period());
    }
    if (changes.cpuShares() != null) {
      kept.setCpuShares(changes.cpuShares());
    }
    if (changes.cpusetCpus() != null) {
      kept.setCpusetCpus(changes.cpusetCpus());
    }
    if (changes.cpusetMems() != null) {
      kept.setCpusetMems(changes.cpusetMems());
    }
    if (changes.unified() != null) {
      kept.putAllUnified(changes.unified());
    }
    ContainerConfig config = c.config().toBuilder().setLinux(c.config().getLinux().toBuilder().setResources(kept))
        .build();
    ContainersGrpc.newBlockingStub(api).update(UpdateContainerRequest.newBuilder()
        .setContainer(Container.newBuilder().setId(id).putExtensions(CriRecords.CONFIG, Any.pack(config)))
        .setUpdateMask(FieldMask.newBuilder().addPaths("extensions." + CriRecords.CONFIG)).build());
  }

  /**
   * After the kubelet renamed the container's log: its monitor opens a new file at the log path
   * (the Logs API's Reopen). FAILED_PRECONDITION unless the container runs.
   */
  void reopenLog(String idOrPrefix) {
    CriContainer c = get(idOrPrefix);
    String id = c.state().id();
    if (!c.state().running()) {
      throw Errors.failedPrecondition("container %s is not running: its log has no writer to reopen", id);
    }
    LogsGrpc.newBlockingStub(api).reopen(ReopenLogRequest.newBuilder().setContainerId(id).build());
  }

  /** NOT_FOUND, in containerd's words, unless a CRI container has this id (or unique id prefix). */
  CriContainer get(String id) {
    Container record = find(id).orElseThrow(() -> Errors.notFound(
        "an error occurred when try to find container \"%s\": not found", id));
    return of(record);
  }

  private CriContainer of(Container record) {
    Optional<Process> task = dev.berth.client.containers.ContainerState.task(api, record.getId())
        .or(() -> ExitRecords.recorded(record));
    return new CriContainer(new dev.berth.client.containers.ContainerState(record, task),
        CriRecords.config(record, ContainerConfig.class));
  }

  /**
   * The CRI container with this id, or whose id alone begins with it ({@link CriRecords#byUniquePrefix}).
   */
  private Optional<Container> find(String id) {
    if (id.isEmpty()) {
      throw Errors.invalidArgument("no container id given");
    }
    Optional<Container> exact;
    try {
      exact = records.find(id);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
        return Optional.empty();
      }
      throw e;
    }
    // another record of this id (berthctl's, a pod's) hides no CRI container whose id it begins
    return exact.filter(r -> CriRecords.CONTAINER.equals(r.getLabelsMap().get(CriRecords.KIND)))
        .or(() -> CriRecords.byUniquePrefix(records, CriRecords.CONTAINER, id));
  }

  /** The records of a pod's containers. */
  List<Container> of(String sandboxId) {
    return records.list(CriRecords.kindFilter(CriRecords.CONTAINER) + ",labels.\"" + CriRecords.SANDBOX_ID + "\"=="
        + Filter.quoted(sandboxId));
  }

  /**
   * The filter of ListContainers or ListContainerStats with its container and pod ids made whole
   * where they are a unique prefix of one ({@link CriRecords#wholeIdOrAsGiven}), as containerd's
   * CRI normalizes it, so {@code crictl ps --pod} takes the 13 characters {@code crictl pods} shows.
   */
  ContainerFilter withWholeIds(ContainerFilter filter) {
    return filter.toBuilder()
        .setId(CriRecords.wholeIdOrAsGiven(records, CriRecords.CONTAINER, filter.getId()))
        .setPodSandboxId(CriRecords.wholeIdOrAsGiven(records, CriRecords.SANDBOX, filter.getPodSandboxId()))
        .build();
  }

  /**
   * The CRI container's whole id, for Exec, Attach and ExecSync: NOT_FOUND, in the words of
   * containerd's, unless a CRI container has this id or unique id prefix (berthctl's containers in
   * the namespace and pods are not the CRI's to exec in); INVALID_ARGUMENT for a prefix of several.
   */
  String wholeId(String idOrPrefix) {
    return find(idOrPrefix).map(Container::getId).orElseThrow(() -> Errors.notFound(
        "failed to find container \"%s\" in store: not found", idOrPrefix));
  }

  /**
   * Containers passing the filter: an id, a pod id, a state, labels that must all match; a record
   * without a readable config is left out ({@link UnloadableRecords}).
   */
  List<CriContainer> list(ContainerFilter filter) {
    List<Container> candidates = filter.getPodSandboxId().isEmpty()
        ? records.list(CriRecords.kindFilter(CriRecords.CONTAINER)) : of(filter.getPodSandboxId());
    return candidates.stream()
        .filter(r -> filter.getId().isEmpty() || r.getId().equals(filter.getId()))
        .filter(r -> unloadable.loads(r, ContainerConfig.class))
        .filter(r -> CriRecords.config(r, ContainerConfig.class).getLabelsMap().entrySet()
            .containsAll(filter.getLabelSelectorMap().entrySet()))
        .map(this::of)
        .filter(c -> !filter.hasState() || c.criState() == filter.getState().getState())
        .toList();
  }
}
