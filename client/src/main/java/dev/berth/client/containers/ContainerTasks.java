package dev.berth.client.containers;

import berth.volumes.v1.DeleteVolumeRequest;
import berth.volumes.v1.VolumesGrpc;
import com.google.common.util.concurrent.ListenableFuture;
import containerd.services.containers.v1.Container;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.PauseTaskRequest;
import containerd.services.tasks.v1.ResumeTaskRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.tasks.v1.WaitRequest;
import containerd.services.tasks.v1.WaitResponse;
import containerd.v1.types.Status;
import dev.berth.client.ClientException;
import dev.berth.client.ConflictException;
import dev.berth.client.NoSuchObjectException;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.labels.RestartPolicy;
import dev.berth.client.containers.ContainerClient;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Channel;
import java.io.IOException;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What docker's container commands do to a container's task, over the Tasks API: start it
 * detached (a client that attaches its own stdio prepares with {@link #readyToStart} and
 * {@link #markRunning}), stop it politely then forcibly, kill it, remove the container with its
 * task, snapshot and anonymous volumes. Starting and stopping also set the
 * labels berthd's restart monitor follows: the restart status, and for a detached container made
 * with {@code --rm} the auto-remove label, so that berthd removes it once it ends, as docker's
 * daemon does (an attached one is removed by the client attached to it).
 */
public final class ContainerTasks {
  /** How long a SIGKILLed process may take to be reported gone. */
  private static final long KILL_WAIT_SECONDS = 30;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** berthd's words for a task the runtime refused to create; the runtime's reason is group 1. */
  private static final Pattern BERTHD_CREATE_REFUSAL =
      Pattern.compile("failed to create task \\S+: \\S+ create failed: (.*)", Pattern.DOTALL);
  /** moby's libcontainerd heading, then containerd's shim's, before the runtime's reason. */
  private static final String DOCKER_CREATE_REFUSAL =
      "failed to create task for container: failed to create shim task: OCI runtime create failed: ";
  /**
   * A container started on request is meant to run, and its restart count starts again from 0,
   * as Docker's (a policy such as on-failure:2 gets its retries again); a new start request tells
   * a restart under way that the user took over ({@link ContainerLabels#START_REQUEST}).
   */
  private static Map<String, String> runningAgain() {
    return Map.of(ContainerLabels.RESTART_STATUS, ContainerLabels.RUNNING,
        ContainerLabels.START_REQUEST, UUID.randomUUID().toString(), ContainerLabels.RESTART_COUNT, "",
        ContainerLabels.START_ERROR, "", ContainerLabels.LAST_EXIT_CODE, "", ContainerLabels.LAST_FINISHED_AT, "",
        ContainerLabels.RESTART_FAILED_MARK, "");
  }

  private final Channel channel;
  private final TasksGrpc.TasksBlockingStub tasks;
  private final TasksGrpc.TasksFutureStub futures;
  private final ContainerClient containers;
  private final ContainerActionEvents events;

  /** {@code channel} carries the namespace. */
  public ContainerTasks(Channel channel) {
    this.channel = channel;
    this.tasks = TasksGrpc.newBlockingStub(channel);
    this.futures = TasksGrpc.newFutureStub(channel);
    this.containers = new ContainerClient(channel);
    this.events = new ContainerActionEvents(channel);
  }

  /**
   * Starts a container whose output goes only to its log; nothing to do if it runs already. A
   * paused one is refused, as Docker's daemon does: it runs, but its processes do not.
   */
  public void startDetached(ContainerState s) {
    if (s.paused()) {
      throw pausedStart();
    }
    if (!readyToStart(s)) {
      return;
    }
    Map<String, String> labels = new HashMap<>(runningAgain());
    if (ContainerConfig.of(s.record()).autoRemove()) {
      labels.put(ContainerLabels.AUTO_REMOVE, ContainerLabels.TRUE);
    }
    Optional<Instant> began;
    try {
      containers.updateLabels(s.id(), labels);
      began = createAndStart(s);
    } catch (StatusRuntimeException e) {
      // NOT_FOUND may name what the container needs (a network removed since it was created),
      // which is the start's failure, not the container's removal
      if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND && containers.find(s.id()).isEmpty()) {
        throw removedMeanwhile(s, e);
      }
      markFailedStart(s, e);
      throw startFailure(e);
    }
    if (began.isEmpty()) {
      // the restart monitor's start ran it: its start time is the monitor's to write
      return;
    }
    try {
      containers.updateLabels(s.id(), Map.of(ContainerLabels.STARTED_AT, began.get().toString()));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != io.grpc.Status.Code.NOT_FOUND) {
        throw e;
      }
      // a quick auto-remove container may be gone already, its task first; a task left without
      // its container was started after a removal that had seen none (an rm -f meanwhile)
      ContainerState orphan = ContainerState.of(channel, s.record());
      if (orphan.task().isPresent()) {
        throw removedMeanwhile(orphan, e);
      }
    }
  }

  /**
   * A container removed while it was being started (a concurrent {@code rm -f}): the removal wins,
   * as in Docker's daemon, whose start then fails. A task started meanwhile, which the removal
   * could not see, goes too, so that no process runs on without its container.
   */
  private NoSuchObjectException removedMeanwhile(ContainerState s, StatusRuntimeException cause) {
    try {
      ContainerState left = ContainerState.of(channel, s.record());
      if (left.task().isPresent()) {
        stopWithoutRestarts(left, Duration.ZERO, Signals.SIGKILL);
        ignoringGone(() -> tasks.delete(DeleteTaskRequest.newBuilder().setContainerId(s.id()).build()));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    NoSuchObjectException gone = NoSuchObjectException.container(s.id());
    gone.addSuppressed(cause);
    return gone;
  }

  /**
   * {@link #startDetached} for a container whose restarts its client decides (the CRI's kubelet):
   * no restart policy, no auto-remove, so the restart monitor's labels are left out and the start
   * time is the only write besides the task's. That write goes while runc creates the task, so
   * the time recorded is when the start began (a few tens of milliseconds early); it shows only
   * once a task exists, and goes again if the start fails.
   */
  public void startWithoutRestarts(ContainerState s) throws InterruptedException {
    if (!readyToStart(s)) {
      return;
    }
    ListenableFuture<?> startedAt = containers.updateLabelsLater(s.id(),
        Map.of(ContainerLabels.STARTED_AT, Instant.now().toString()));
    try {
      createAndStart(s);
    } catch (StatusRuntimeException e) {
      awaitQuietly(startedAt);
      ignoringGone(() -> containers.updateLabels(s.id(), Map.of(ContainerLabels.STARTED_AT, "")));
      // the kubelet reads containerd's words, not Docker's
      throw startFailure(e, String.valueOf(e.getStatus().getDescription()));
    }
    try {
      startedAt.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StatusRuntimeException r ? r : new ClientException(e.getCause().toString(), e);
    }
  }

  private static void awaitQuietly(Future<?> call) throws InterruptedException {
    try {
      call.get();
    } catch (ExecutionException e) {
      // the start's own failure is the one to report
    }
  }

  /**
   * The time the start was asked for: a process that ends at once may end before the start call
   * returns, and its StartedAt must not come after its FinishedAt. Empty when the task was someone
   * else's: the restart monitor's, restarting the container as this start looked at it (or another
   * client's start). Such a task, found created or met as this start's create is refused
   * (ALREADY_EXISTS), is started here unless the other start comes first: the runtime starts a
   * task once and refuses the other start (FAILED_PRECONDITION), and the monitor may have ended and
   * deleted it for its next restart meanwhile (NOT_FOUND). Docker's start of a running or
   * restarting container is a no-op too.
   */
  private Optional<Instant> createAndStart(ContainerState s) {
    boolean ours = s.task().isEmpty() || s.task().get().getStatus() != Status.CREATED;
    if (ours) {
      DeviceRequests.refuseAtStart(s);
      UserAtStart.resolve(channel, s);
      try {
        // no stdio of a client: the output goes to the log, through a terminal when the spec has one
        tasks.create(CreateTaskRequest.newBuilder().setContainerId(s.id())
            .setTerminal(specTerminal(s.record())).build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != io.grpc.Status.Code.ALREADY_EXISTS) {
          throw e;
        }
        ours = false;
      }
    }
    Instant began = Instant.now();
    try {
      tasks.start(StartRequest.newBuilder().setContainerId(s.id()).build());
    } catch (StatusRuntimeException e) {
      io.grpc.Status.Code code = e.getStatus().getCode();
      if ((code == io.grpc.Status.Code.FAILED_PRECONDITION && startedByAnother(s, ours))
          || (!ours && code == io.grpc.Status.Code.NOT_FOUND && containers.find(s.id()).isPresent())) {
        return Optional.empty();
      }
      throw e;
    }
    return Optional.of(began);
  }

  /**
   * Whether the runtime refused this start (FAILED_PRECONDITION: the task was not created any
   * more) because another start ran the task first: always for someone else's task; for the task
   * this start created, when it now runs (paused or not), or when the restart monitor may have
   * started it (a container with a restart policy, which the monitor looks after whatever came of
   * it). Otherwise its process ended before it was started, and the refusal is this start's failure.
   */
  private boolean startedByAnother(ContainerState s, boolean ours) {
    if (!ours || hasRestartPolicy(s)) {
      return true;
    }
    return ContainerState.of(channel, s.record()).running();
  }

  private static boolean hasRestartPolicy(ContainerState s) {
    return RestartPolicy.fromLabel(s.record().getLabelsMap().get(ContainerLabels.RESTART_POLICY))
        .map(p -> p.mode() != RestartPolicy.Mode.NO).orElse(false);
  }

  /**
   * Stops the container and starts it again in the background. An auto-remove container is kept
   * meanwhile, as docker does: its label goes before the stop and comes back with the start.
   */
  public void restart(ContainerState s, Duration timeout) throws InterruptedException {
    restart(s, timeout, ContainerConfig.of(s.record()).stopSignal());
  }

  /** As {@link #restart(ContainerState, Duration)}, stopping with {@code signal} first. */
  public void restart(ContainerState s, Duration timeout, int signal) throws InterruptedException {
    if (s.record().getLabelsMap().containsKey(ContainerLabels.AUTO_REMOVE)) {
      containers.updateLabels(s.id(), Map.of(ContainerLabels.AUTO_REMOVE, ""));
    }
    stop(s, timeout, signal);
    startDetached(ContainerState.of(channel, containers.get(s.id())));
    events.restarted(s.id());
  }

  /**
   * Stops a container: the restart monitor is told first, then its stop signal, then SIGKILL
   * after {@code timeout} (none: wait as long as it takes; zero: SIGKILL at once). A container
   * that was running gets Docker's stop event once it has ended.
   */
  public void stop(ContainerState s, Duration timeout) throws InterruptedException {
    stop(s, timeout, ContainerConfig.of(s.record()).stopSignal());
  }

  /** As {@link #stop(ContainerState, Duration)}, with {@code signal} first instead of the container's stop signal. */
  public void stop(ContainerState s, Duration timeout, int signal) throws InterruptedException {
    if (!s.running() && !s.restarting() && !stopsRestartUnderWay(s)) {
      return;
    }
    markStopped(s.record());
    // read after the mark: a task the restart monitor started before it saw the mark is stopped here
    ContainerState now = ContainerState.of(channel, containers.get(s.id()));
    if (stopWithoutRestarts(now, timeout, signal).isPresent()) {
      events.stopped(s.id());
    }
  }

  /**
   * For a container that neither runs nor waits for its restart. Docker's stop of one changes
   * nothing: a mark left by a failed start or restart stays, so berthd's next start still brings
   * the container back. But berthd's start may be bringing it back now, its new task created and
   * its running status not written yet (Docker's daemon has restarted it before it answers a
   * stop). A new stop request, its status left as it is, tells that restart, which compares the
   * request after its write and leaves the container stopped (see
   * {@link ContainerLabels#STOP_REQUEST}). True when a look after the request finds the restart's
   * status written already: the container is then stopped as a running one.
   */
  private boolean stopsRestartUnderWay(ContainerState s) {
    if (!hasRestartPolicy(s)) {
      return false;
    }
    containers.updateLabels(s.id(), Map.of(ContainerLabels.STOP_REQUEST, newStopRequest()));
    ContainerState now = ContainerState.of(channel, containers.get(s.id()));
    return now.running() || now.restarting();
  }

  /**
   * {@link #stop} for a container whose restarts its client decides (the CRI's kubelet): the
   * restart monitor's label is left out. The exit of the process that was stopped; empty when it
   * was not running.
   */
  public Optional<WaitResponse> stopWithoutRestarts(ContainerState s, Duration timeout) throws InterruptedException {
    return stopWithoutRestarts(s, timeout, ContainerConfig.of(s.record()).stopSignal());
  }

  private Optional<WaitResponse> stopWithoutRestarts(ContainerState s, Duration timeout, int stopSignal)
      throws InterruptedException {
    if (!s.running()) {
      return Optional.empty();
    }
    ListenableFuture<WaitResponse> exit = futures.wait(WaitRequest.newBuilder().setContainerId(s.id()).build());
    // a paused container is thawed once, after its first signal is queued
    boolean frozen = s.paused();
    try {
      if (timeout == null || !timeout.isZero()) {
        signal(s, stopSignal, false, frozen);
        frozen = false;
        try {
          return Optional.of(timeout == null ? exit.get() : exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
          // it ignored the polite signal
        }
      }
      signal(s, Signals.SIGKILL, true, frozen);
      return Optional.of(exit.get(KILL_WAIT_SECONDS, TimeUnit.SECONDS));
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StatusRuntimeException r ? r : new ClientException(e.getCause().toString(), e);
    } catch (TimeoutException e) {
      throw new ClientException("container " + s.name() + " did not stop within " + KILL_WAIT_SECONDS
          + " s of SIGKILL");
    } finally {
      exit.cancel(true);
    }
  }

  /**
   * Freezes every process of a running container (the cgroup freezer). Refusals are Docker's
   * daemon's (moby v27), which names the container by its full id.
   */
  public void pause(ContainerState s) {
    if (s.restarting()) {
      throw restarting(s);
    }
    if (!s.running()) {
      throw notRunning(s);
    }
    if (s.paused()) {
      throw new ConflictException("Container " + s.id() + " is already paused");
    }
    tasks.pause(PauseTaskRequest.newBuilder().setContainerId(s.id()).build());
  }

  /** Lets a paused container's processes run again. */
  public void unpause(ContainerState s) {
    if (!s.paused()) {
      throw new ConflictException("Container " + s.id() + " is not paused");
    }
    tasks.resume(ResumeTaskRequest.newBuilder().setContainerId(s.id()).build());
  }

  /** Docker's daemon's refusal to start a paused container, for {@code start} with or without -a. */
  public static ConflictException pausedStart() {
    return new ConflictException("cannot start a paused container, try unpause instead");
  }

  /** Docker's daemon's refusal of what only a running container can do (pause, kill, exec). */
  public static ConflictException notRunning(ContainerState s) {
    return new ConflictException("container " + s.id() + " is not running");
  }

  /**
   * Docker's daemon's refusal of what a container waiting for its restart cannot do yet; Docker
   * counts such a container as running, so this comes before {@link #notRunning}.
   */
  public static ConflictException restarting(ContainerState s) {
    return new ConflictException("Container " + s.id() + " is restarting, wait until the container is running");
  }

  /**
   * Sends {@code signal} to the container's process. As Docker's daemon, SIGKILL, the container's
   * stop signal, or any signal when it has none, cancel its restart policy (the restart monitor
   * leaves it stopped once it ends) and thaw a paused container; any other signal is only a
   * message to the process, and a restart policy still restarts it if it ends, but for
   * unless-stopped, which reads every kill as its user's stop (Docker's HasBeenManuallyStopped).
   */
  public void kill(ContainerState s, int signal) {
    if (!s.running()) {
      throw notRunning(s);
    }
    ContainerConfig config = ContainerConfig.of(s.record());
    boolean cancelsRestart = signal == Signals.SIGKILL || !config.hasStopSignal() || signal == config.stopSignal();
    boolean unlessStopped = RestartPolicy.fromLabel(s.record().getLabelsMap().get(ContainerLabels.RESTART_POLICY))
        .map(p -> p.mode() == RestartPolicy.Mode.UNLESS_STOPPED).orElse(false);
    if (cancelsRestart || unlessStopped) {
      markStopped(s.record());
    }
    signal(s, signal, false, cancelsRestart && s.paused());
  }

  /**
   * Removes the container: its task (after SIGKILL with {@code force}), record, snapshot, and with
   * {@code volumes} its anonymous volumes. One running, or waiting to be restarted, only with {@code force}.
   */
  public void remove(ContainerState s, boolean force, boolean volumes) throws InterruptedException {
    if (!s.running() && !s.restarting()) {
      delete(s, volumes);
      return;
    }
    if (!force) {
      // Docker's daemon's words (moby v27)
      String refused = "cannot remove container \"/" + s.name() + "\": container is ";
      if (s.paused()) {
        throw new ConflictException(refused + "paused and must be unpaused first");
      }
      throw new ConflictException(refused + (s.restarting() ? "restarting" : "running")
          + ": stop the container before removing or force remove");
    }
    // Docker's rm -f kills: no stop event. One write marks it stopped, for the restart monitor,
    // and being removed, for a command that fails meanwhile (see ContainerLabels.REMOVING)
    containers.updateLabels(s.id(), Map.of(ContainerLabels.RESTART_STATUS, ContainerLabels.STOPPED,
        ContainerLabels.STOP_REQUEST, newStopRequest(), ContainerLabels.REMOVING, ContainerLabels.TRUE));
    try {
      // the restart monitor may have started it again before it read the mark
      ContainerState now = s.restarting() ? ContainerState.of(channel, s.record()) : s;
      stopWithoutRestarts(now, Duration.ZERO);
      delete(now, volumes);
    } catch (RuntimeException | InterruptedException e) {
      ignoringGone(() -> containers.updateLabels(s.id(), Map.of(ContainerLabels.REMOVING, "")));
      throw e;
    }
  }

  private void delete(ContainerState s, boolean volumes) {
    if (s.task().isPresent()) {
      ignoringGone(() -> tasks.delete(DeleteTaskRequest.newBuilder().setContainerId(s.id()).build()));
    }
    // berthd may have removed an auto-remove container meanwhile
    ignoringGone(() -> containers.delete(s.record()));
    if (volumes) {
      VolumesGrpc.VolumesBlockingStub stub = VolumesGrpc.newBlockingStub(channel);
      for (String name : ContainerConfig.of(s.record()).anonymousVolumes()) {
        ignoringGoneOrInUse(() -> stub.delete(DeleteVolumeRequest.newBuilder().setName(name).build()));
      }
    }
  }

  /**
   * A volume another container uses ({@code --volumes-from}) stays for it, as Docker's daemon keeps
   * it without complaint: the container itself is removed all the same.
   */
  private static void ignoringGoneOrInUse(Runnable delete) {
    try {
      ignoringGone(delete);
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != io.grpc.Status.Code.FAILED_PRECONDITION) {
        throw e;
      }
    }
  }

  /** {@link #remove}s the container, forced and with its anonymous volumes, unless it is gone already. */
  public void removeIfPresent(String id) throws InterruptedException {
    Optional<Container> record = containers.find(id);
    if (record.isPresent()) {
      remove(ContainerState.of(channel, record.get()), true, true);
    }
  }

  /** False when the container runs already; an ended task is deleted to make room for a new one. */
  public boolean readyToStart(ContainerState s) {
    if (s.running()) {
      return false;
    }
    if (s.exited()) {
      // deleted already by the restart monitor, restarting it
      ignoringGone(() -> tasks.delete(DeleteTaskRequest.newBuilder().setContainerId(s.id()).build()));
    }
    return true;
  }

  /**
   * Sends {@code signal}; with {@code thaw} the frozen container is resumed after it, as a frozen
   * process receives its signal only once thawed. Where the freezer lets SIGKILL through (cgroup
   * v2) the task may have ended already, which is what was wanted.
   */
  private void signal(ContainerState s, int signal, boolean all, boolean thaw) {
    // before the signal, so that the kill event comes before the exit's
    events.killed(s.id(), signal);
    ignoringGone(() -> tasks.kill(KillRequest.newBuilder().setContainerId(s.id()).setSignal(signal).setAll(all).build()));
    if (thaw) {
      try {
        ignoringGone(() -> tasks.resume(ResumeTaskRequest.newBuilder().setContainerId(s.id()).build()));
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != io.grpc.Status.Code.FAILED_PRECONDITION) {
          throw e;
        }
      }
    }
  }

  /** Tells the restart monitor the container is meant to run. */
  public void markRunning(Container record) {
    containers.updateLabels(record.getId(), runningAgain());
  }

  /**
   * Records why a start failed, for {@code inspect}'s {@code State.Error}, and marks it
   * {@link ContainerLabels#START_FAILED}: not stopped by its user, as Docker's start clears
   * HasBeenManuallyStopped before it can fail, so berthd's next start brings back
   * {@code unless-stopped} and {@code on-failure} too. {@code before} is the container as it was
   * before the start: the exit of a task it had, deleted for the start, is kept, as Docker keeps
   * an exited container's code and times. Best effort: the start's failure is what the caller
   * reports.
   */
  public void markFailedStart(ContainerState before, StatusRuntimeException failure) {
    Map<String, String> labels = new HashMap<>(Map.of(ContainerLabels.RESTART_STATUS, ContainerLabels.START_FAILED,
        ContainerLabels.START_ERROR, dockersWords(String.valueOf(failure.getStatus().getDescription()))));
    if (before.exited() || before.ranBefore()) {
      labels.put(ContainerLabels.LAST_EXIT_CODE, Integer.toString(before.exitCode()));
      before.finishedAt().ifPresent(at -> labels.put(ContainerLabels.LAST_FINISHED_AT, at.toString()));
    }
    try {
      containers.updateLabels(before.id(), labels);
    } catch (StatusRuntimeException e) {
      // an auto-remove container may be gone already
    }
  }

  /** Tells the restart monitor the container is meant to stay stopped. */
  public void markStopped(Container record) {
    containers.updateLabels(record.getId(), Map.of(ContainerLabels.RESTART_STATUS, ContainerLabels.STOPPED,
        ContainerLabels.STOP_REQUEST, newStopRequest()));
  }

  /** See {@link ContainerLabels#STOP_REQUEST}: never the same twice. */
  private static String newStopRequest() {
    return UUID.randomUUID().toString();
  }

  /** Whether the container's spec asks for a terminal: the runtime refuses a task whose IO does not match it. */
  static boolean specTerminal(Container record) {
    try {
      return JSON.readTree(record.getSpec().getValue().toByteArray()).path("process").path("terminal").asBoolean(false);
    } catch (IOException e) {
      throw new ClientException("the spec of container " + record.getId() + " is not JSON: " + e.getMessage(), e);
    }
  }

  private static void ignoringGone(Runnable call) {
    try {
      call.run();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != io.grpc.Status.Code.NOT_FOUND) {
        throw e;
      }
    }
  }

  /**
   * A runtime's refusal to run the command, in Docker's words (see {@link #dockersWords}) and with
   * docker's exit codes: 127 when the executable is not there, 126 when it cannot be run.
   */
  public static RuntimeException startFailure(StatusRuntimeException e) {
    String description = String.valueOf(e.getStatus().getDescription());
    String words = dockersWords(description);
    // a refusal without a code of its own (a mount runc would not make) keeps its status
    return startFailure(words.equals(description) ? e
        : e.getStatus().withDescription(words).asRuntimeException(e.getTrailers()), words);
  }

  private static RuntimeException startFailure(StatusRuntimeException e, String message) {
    OptionalInt code = startExitCode(message);
    return code.isPresent() ? new ContainerStartFailure(message, code.getAsInt(), e) : e;
  }

  /**
   * berthd's words for a task the runtime refused to create ({@code failed to create task ID:
   * RUNTIME create failed: WHY}) as Docker's daemon words it over containerd's shim: {@code failed
   * to create task for container: failed to create shim task: OCI runtime create failed: WHY:
   * unknown}. Other reasons stay as they are; the Tasks API keeps berthd's words for ctr.
   */
  public static String dockersWords(String description) {
    return runtimeRefusal(description).map(why -> DOCKER_CREATE_REFUSAL + why + ": unknown").orElse(description);
  }

  /**
   * The runtime's reason when {@code description} is berthd's words for a task the runtime refused
   * to create ({@code failed to create task ID: RUNTIME create failed: WHY}), for clients that word
   * it as their daemon does.
   */
  public static Optional<String> runtimeRefusal(String description) {
    Matcher m = BERTHD_CREATE_REFUSAL.matcher(description);
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** Docker's exit code for a start the runtime refused with {@code description}: 127 or 126; none for others. */
  public static OptionalInt startExitCode(String description) {
    String lower = description.toLowerCase(Locale.ROOT);
    if (lower.contains("executable file not found") || lower.contains("no such file or directory")) {
      return OptionalInt.of(127);
    }
    if (lower.contains("permission denied")) {
      return OptionalInt.of(126);
    }
    return OptionalInt.empty();
  }
}
