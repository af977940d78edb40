package dev.berth.restart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.FieldMask;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.GetContainerRequest;
import containerd.services.containers.v1.UpdateContainerRequest;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import dev.berth.api.grpc.Channels;
import dev.berth.api.grpc.LabelPreconditions;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.labels.RestartPolicy;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.ContainerTasks;
import io.grpc.Channel;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Looks at one container and, if its policy asks for it, restarts it through the Containers and
 * Tasks APIs: the ended task is deleted and a new one created (its rootfs from the container's
 * snapshot, as the Tasks service does for a Create without mounts) and started. A container
 * labelled {@link ContainerLabels#AUTO_REMOVE} that is not restarted is removed instead. Every
 * decision is made on what the APIs say now, not on the event that caused the look, so a stale
 * or repeated event does no harm.
 */
final class ContainerRestarter {
  private static final Logger LOG = Logger.getLogger(ContainerRestarter.class.getName());
  private static final long DEADLINE_SECONDS = 60;
  /** The status Docker gives a container whose process vanished without one. */
  private static final int UNKNOWN_EXIT = 255;
  private static final int SIGKILL = 9;
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How long after its end a container removed by its attached client is left to that client. */
  static final Duration ATTACHED_CLIENT_GRACE = Duration.ofSeconds(5);

  enum Outcome { RESTARTED, REMOVED, FAILED, STOPPED, LEFT_ALONE, GONE }

  private final Channel api;
  private final AutoRemover remover;
  /** When this berthd began: a record updated since is one a client of this berthd works on. */
  private final Instant began = Instant.now();

  /** Runs between a restart's decision and its write (a test's user stops the container there). */
  private final Runnable beforeRestartRecorded;

  ContainerRestarter(Channel api) {
    this(api, () -> { });
  }

  ContainerRestarter(Channel api, Runnable beforeRestartRecorded) {
    this.api = api;
    this.remover = new AutoRemover();
    this.beforeRestartRecorded = beforeRestartRecorded;
  }

  Outcome evaluate(ContainerKey key, Trigger trigger) {
    Channel ns = Channels.inNamespace(api, key.namespace());
    Container container;
    try {
      container = containers(ns).get(GetContainerRequest.newBuilder().setId(key.id()).build()).getContainer();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Code.NOT_FOUND) {
        return Outcome.GONE;
      }
      throw e;
    }
    String label = container.getLabelsMap().get(ContainerLabels.RESTART_POLICY);
    Optional<RestartPolicy> parsed = RestartPolicy.fromLabel(label);
    if (parsed.isEmpty()) {
      LOG.warning(key + ": restart policy " + label + " is not one of no, always, on-failure[:N], unless-stopped; ignored");
    }
    RestartPolicy policy = parsed.orElse(RestartPolicy.NO);
    String removal = container.getLabelsMap().getOrDefault(ContainerLabels.AUTO_REMOVE, "");
    boolean autoRemove = removal.equals(ContainerLabels.TRUE) || removal.equals(ContainerLabels.AUTO_REMOVE_ATTACHED);
    if (policy.mode() == RestartPolicy.Mode.NO && !autoRemove) {
      return Outcome.LEFT_ALONE;
    }
    Optional<Process> task = task(ns, key.id());
    boolean neverStarted = task.isPresent() && neverStarted(task.get(), trigger, container);
    if (task.isPresent() && task.get().getStatus() != Status.STOPPED && !neverStarted) {
      return Outcome.LEFT_ALONE;
    }
    if (task.isEmpty() && trigger == Trigger.EXIT) {
      // whoever deleted the ended task (a client's stop, rm or start) is handling the container
      return Outcome.LEFT_ALONE;
    }
    String desired = ContainerLabels.desiredStatus(container.getLabelsMap());
    int exit = task.filter(t -> !neverStarted).map(Process::getExitStatus)
        .orElseGet(() -> exitBeforeFailedRestart(container, desired));
    int restarts = RestartPolicy.restartCount(container.getLabelsMap());
    if (neverStarted) {
      // the start it was created for, counted already if it was a restart; one a user's start
      // failed over (start-failed) is brought back as at any berthd start, a user's stop stands
      boolean wanted = ContainerLabels.RUNNING.equals(desired) && policy.mode() != RestartPolicy.Mode.NO
          || !ContainerLabels.STOPPED.equals(desired) && policy.wantsRestart(desired, exit, restarts, true);
      return wanted ? restart(key, ns, container, task, restarts, policy, exit) : Outcome.LEFT_ALONE;
    }
    if (policy.wantsRestart(desired, exit, restarts, trigger == Trigger.DAEMON_START)) {
      return restart(key, ns, container, task, restarts + 1, policy, exit);
    }
    if (removal.equals(ContainerLabels.AUTO_REMOVE_ATTACHED) && task.isPresent()
        && ProtoTimes.toInstant(task.get().getExitedAt()).plus(ATTACHED_CLIENT_GRACE).isAfter(Instant.now())) {
      // its attached client removes it; a sweep after the grace finds it if that client is gone
      return Outcome.LEFT_ALONE;
    }
    // without a task, only one that ran before (gone with a reboot) or whose removal failed half-way
    if (autoRemove && (task.isPresent() || trigger == Trigger.RETRY
        || container.getLabelsMap().containsKey(ContainerLabels.STARTED_AT))) {
      return remove(key, ns, container, task.isPresent(), exit);
    }
    return Outcome.LEFT_ALONE;
  }

  /**
   * Without a task: the exit of the run before a failed restart, which deleted its task and kept
   * its code on the record (on-failure goes by it when berthd starts); after a failed start on
   * request, the exit code that start left (128, 127 or 126, as Docker's); else Docker's status of
   * a process that vanished without one, as a task gone with a reboot did.
   */
  private static int exitBeforeFailedRestart(Container container, String desired) {
    if (ContainerLabels.START_FAILED.equals(desired)) {
      return new ContainerState(container, Optional.empty()).exitCode();
    }
    if (!ContainerLabels.RESTART_FAILED.equals(desired)) {
      return UNKNOWN_EXIT;
    }
    try {
      return Integer.parseInt(container.getLabelsMap().getOrDefault(ContainerLabels.LAST_EXIT_CODE, ""));
    } catch (NumberFormatException e) {
      return UNKNOWN_EXIT;
    }
  }

  /**
   * A task created and never started, found when berthd starts: the berthd that created it was
   * killed before it started it (in a restart of its own, or a client's start), and nobody else
   * will. Left alone, the container would show as restarting for ever. A record updated since this
   * berthd began is a client's start under way (its task created, its start to come), left to it.
   */
  private boolean neverStarted(Process task, Trigger trigger, Container container) {
    return trigger == Trigger.DAEMON_START && task.getStatus() == Status.CREATED
        && ProtoTimes.toInstant(container.getUpdatedAt()).isBefore(began);
  }

  private Outcome remove(ContainerKey key, Channel ns, Container container, boolean hasTask, int exit) {
    try {
      if (!remover.remove(ns, container, hasTask)) {
        return Outcome.GONE;
      }
    } catch (StatusRuntimeException e) {
      LOG.warning(key + ": removal failed, will retry: " + e.getStatus());
      return Outcome.FAILED;
    }
    LOG.info("removed " + key + " after its process ended (exit status " + exit + ")");
    return Outcome.REMOVED;
  }

  /**
   * Counts the restart once a new task exists (or its creation failed for a reason that may
   * pass), so a restart someone else overtook is not counted; the task starts only after the
   * count, and a status brought back to running, are recorded.
   */
  private Outcome restart(ContainerKey key, Channel ns, Container container, Optional<Process> task, int restart,
      RestartPolicy policy, int exit) {
    try {
      if (task.isPresent()) {
        if (task.get().getStatus() == Status.STOPPED) {
          recordExit(key, ns, task.get());
        }
        deleteTask(ns, key.id());
      }
      tasks(ns).create(createRequest(key, container));
    } catch (StatusRuntimeException e) {
      if (overtaken(e)) {
        LOG.info(key + ": not restarted: " + e.getStatus());
        return Outcome.LEFT_ALONE;
      }
      Optional<Integer> counted = Optional.empty();
      try {
        if (recordRestart(key, ns, container, restart) != Recorded.YES) {
          // a user's start since creates its own task, or a user's stop stands
          return Outcome.LEFT_ALONE;
        }
        counted = Optional.of(restart);
      } catch (StatusRuntimeException count) {
        if (count.getStatus().getCode() == Code.NOT_FOUND) {
          return removedWhileRestarting(key, e);
        }
        LOG.warning(key + ": cannot record restart " + restart + ": " + count.getStatus());
      }
      return failed(key, ns, e, container, counted);
    }
    Optional<Integer> counted = Optional.empty();
    try {
      Recorded recorded = recordRestart(key, ns, container, restart);
      if (recorded == Recorded.STOPPED_BY_ITS_USER) {
        return Outcome.LEFT_ALONE;
      }
      if (recorded == Recorded.YES) {
        counted = Optional.of(restart);
      }
      // when the start was asked for: a process that ends at once may end before start returns
      Instant began = Instant.now();
      tasks(ns).start(StartRequest.newBuilder().setContainerId(key.id()).build());
      recordStart(key, ns, began);
    } catch (StatusRuntimeException e) {
      if (startedByItsUser(ns, key, container)) {
        // its start ran this restart's task (the runtime refuses a second start), or is about to
        // and reports what the runtime says
        LOG.info(key + ": started by its user as berthd restarted it; left to that start: " + e.getStatus());
        return Outcome.LEFT_ALONE;
      }
      try {
        deleteTask(ns, key.id());
      } catch (StatusRuntimeException cleanup) {
        LOG.warning(key + ": cannot remove the task that was not started: " + cleanup.getStatus());
      }
      if (overtaken(e)) {
        LOG.info(key + ": not restarted: " + e.getStatus());
        return Outcome.LEFT_ALONE;
      }
      return failed(key, ns, e, container, counted);
    }
    if (stoppedMeanwhile(ns, key)) {
      return Outcome.LEFT_ALONE;
    }
    LOG.info("restarted " + key + " (policy " + policy + ", exit status " + exit + ", restart " + restart + ")");
    return Outcome.RESTARTED;
  }

  /** What came of {@link #recordRestart}. */
  private enum Recorded {
    YES,
    /** A user's start landed first: its status and count stand, and the task is still to start. */
    STARTED_BY_ITS_USER,
    /** A user's stop landed first and was carried out: the restart goes no further. */
    STOPPED_BY_ITS_USER
  }

  /**
   * Writes the restart's count and marks ({@link #labelUpdate}) on condition that no user's stop or
   * start landed since the look this restart was decided on (the same
   * {@link ContainerLabels#STOP_REQUEST} and {@link ContainerLabels#START_REQUEST}, checked by the
   * store in the write's transaction: {@link LabelPreconditions}); when one did, its status stands.
   * A start's client may have found this restart's task created, or may be about to find it (its
   * create refused), or may never come to it (killed): the task is started all the same, by
   * whichever start reaches the runtime first, the other's refused and taken as done
   * ({@code ContainerTasks}), so it is never left created. A stop's client looked at the task
   * before this write and found nothing running to stop, so the stop is carried out here
   * ({@link #undoRestart}) and the restart goes no further. A stop written after this write is
   * seen by {@link #stoppedMeanwhile}.
   */
  private Recorded recordRestart(ContainerKey key, Channel ns, Container decidedOn, int restart) {
    beforeRestartRecorded.run();
    Channel unlessStoppedOrStarted = LabelPreconditions.require(ns, Map.of(
        ContainerLabels.STOP_REQUEST, label(decidedOn, ContainerLabels.STOP_REQUEST),
        ContainerLabels.START_REQUEST, label(decidedOn, ContainerLabels.START_REQUEST)));
    try {
      containers(unlessStoppedOrStarted).update(labelUpdate(key, decidedOn, restart));
      return Recorded.YES;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Code.FAILED_PRECONDITION) {
        throw e;
      }
    }
    if (startedByItsUser(ns, key, decidedOn)) {
      LOG.info(key + ": started by its user as berthd restarted it; its status stands");
      return Recorded.STARTED_BY_ITS_USER;
    }
    undoRestart(key, ns);
    return Recorded.STOPPED_BY_ITS_USER;
  }

  /** Whether a user's start landed since {@code decidedOn} was read (a new {@link ContainerLabels#START_REQUEST}). */
  private static boolean startedByItsUser(Channel ns, ContainerKey key, Container decidedOn) {
    try {
      Container now = containers(ns).get(GetContainerRequest.newBuilder().setId(key.id()).build()).getContainer();
      return !label(now, ContainerLabels.START_REQUEST).equals(label(decidedOn, ContainerLabels.START_REQUEST));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  private static String label(Container container, String key) {
    return container.getLabelsMap().getOrDefault(key, "");
  }

  /**
   * Deletes the task this restart created, which its user's stop left to it, and records that stop
   * ({@link #recordStop}). A task that can no longer be deleted runs, started by the user's start
   * since, which wrote running itself: both are left as they are.
   */
  private void undoRestart(ContainerKey key, Channel ns) {
    // read before the delete: a start landing after this read changes what the stop's write requires
    Container stoppedBy = containers(ns).get(GetContainerRequest.newBuilder().setId(key.id()).build()).getContainer();
    try {
      deleteTask(ns, key.id());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Code.FAILED_PRECONDITION) {
        throw e;
      }
      LOG.info(key + ": stopped and started again by its user as berthd's restart brought it back; left to that start");
      return;
    }
    LOG.info(key + ": stopped by its user as berthd's restart brought it back; left stopped");
    recordStop(key, ns, stoppedBy);
  }

  /**
   * Writes the stop of a container that was neither running nor restarting when its user stopped
   * it: berthctl then writes only a new {@link ContainerLabels#STOP_REQUEST} (its status, a failed
   * start's or restart's, stays as Docker's stop leaves it), and leaves the stop to the restart it
   * overtook, which Docker's daemon would have finished before the stop. Left as it is, an
   * unless-stopped container would come back at berthd's next start. Written only while the
   * record still has that request, and the start request and status read with it, so a user's
   * start since wins.
   */
  private static void recordStop(ContainerKey key, Channel ns, Container stoppedBy) {
    Map<String, String> labels = stoppedBy.getLabelsMap();
    String desired = ContainerLabels.desiredStatus(labels);
    if (ContainerLabels.STOPPED.equals(desired) || ContainerLabels.RUNNING.equals(desired)) {
      // stopped by the stop's own write, or started again by its user since
      return;
    }
    Channel unlessStarted = LabelPreconditions.require(ns, Map.of(
        ContainerLabels.STOP_REQUEST, labels.getOrDefault(ContainerLabels.STOP_REQUEST, ""),
        ContainerLabels.START_REQUEST, labels.getOrDefault(ContainerLabels.START_REQUEST, ""),
        ContainerLabels.RESTART_STATUS, labels.getOrDefault(ContainerLabels.RESTART_STATUS, ""),
        ContainerLabels.RESTART_FAILED_MARK, labels.getOrDefault(ContainerLabels.RESTART_FAILED_MARK, "")));
    try {
      // the mark is in the mask and not in the labels: it goes
      containers(unlessStarted).update(UpdateContainerRequest.newBuilder()
          .setContainer(Container.newBuilder().setId(key.id())
              .putLabels(ContainerLabels.RESTART_STATUS, ContainerLabels.STOPPED))
          .setUpdateMask(FieldMask.newBuilder().addPaths("labels." + ContainerLabels.RESTART_STATUS)
              .addPaths("labels." + ContainerLabels.RESTART_FAILED_MARK))
          .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Code.FAILED_PRECONDITION) {
        LOG.info(key + ": started again by its user after its stop; left to that start");
      } else if (e.getStatus().getCode() != Code.NOT_FOUND) {
        throw e;
      }
    }
  }

  /**
   * Whether the user stopped the container while it was restarted, and if so ends the task just
   * started. A client marks its stop before it looks at the task, so either this read sees the
   * mark, or the client's look comes after this start and it stops the new task itself: a stop
   * never loses to a restart, as Docker's does not.
   */
  private static boolean stoppedMeanwhile(Channel ns, ContainerKey key) {
    Container now;
    try {
      now = containers(ns).get(GetContainerRequest.newBuilder().setId(key.id()).build()).getContainer();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Code.NOT_FOUND) {
        // removed meanwhile (rm -f): its task went with it
        return true;
      }
      throw e;
    }
    if (ContainerLabels.RUNNING.equals(ContainerLabels.desiredStatus(now.getLabelsMap()))) {
      return false;
    }
    LOG.info(key + ": stopped by its user while it was restarted; killing the new task");
    try {
      tasks(ns).kill(KillRequest.newBuilder().setContainerId(key.id()).setSignal(SIGKILL).setAll(true).build());
    } catch (StatusRuntimeException e) {
      // ended already (or the user's stop removed it): what was wanted
      if (e.getStatus().getCode() != Code.NOT_FOUND && e.getStatus().getCode() != Code.FAILED_PRECONDITION) {
        throw e;
      }
    }
    return true;
  }

  /**
   * What comes of a restart whose task could not be created or started: GONE when the container
   * was removed meanwhile, whose removal makes the task's creation fail with whatever status the
   * runtime met (UNKNOWN for a rootfs unmounted under runc); FAILED, to be retried after a
   * back-off, when an API did not answer; otherwise STOPPED, left stopped with the error for
   * {@code inspect}'s {@code State.Error}, as Docker's daemon leaves a container whose restart
   * failed (a {@code --pid container:} donor stopped, say) rather than trying again for ever.
   * It is marked {@link ContainerLabels#RESTART_FAILED_MARK}, not stopped by its user, so that
   * berthd's next start takes it up again as Docker's does; the mark is a label of its own and
   * {@link ContainerLabels#RESTART_STATUS} is left as it is, so a user's stop that lands meanwhile
   * stays a stop. The mark is written on condition that the record still has the start request
   * this restart was decided on and the restart count it wrote ({@code counted}, when it could): a
   * user's start since, which writes a new request and resets the count, runs the container and
   * must not show it as a failed restart.
   */
  private static Outcome failed(ContainerKey key, Channel ns, StatusRuntimeException e, Container decidedOn,
      Optional<Integer> counted) {
    try {
      containers(ns).get(GetContainerRequest.newBuilder().setId(key.id()).build());
    } catch (StatusRuntimeException gone) {
      if (gone.getStatus().getCode() == Code.NOT_FOUND) {
        return removedWhileRestarting(key, e);
      }
    }
    if (unanswered(e)) {
      LOG.warning(key + ": restart failed, will retry: " + e.getStatus());
      return Outcome.FAILED;
    }
    LOG.warning(key + ": restart failed, left stopped: " + e.getStatus());
    Map<String, String> unlessStartedSince = new HashMap<>(
        Map.of(ContainerLabels.START_REQUEST, label(decidedOn, ContainerLabels.START_REQUEST)));
    counted.ifPresent(restart -> unlessStartedSince.put(ContainerLabels.RESTART_COUNT, Integer.toString(restart)));
    Channel unlessStarted = LabelPreconditions.require(ns, unlessStartedSince);
    try {
      containers(unlessStarted).update(UpdateContainerRequest.newBuilder()
          .setContainer(Container.newBuilder().setId(key.id())
              .putLabels(ContainerLabels.RESTART_FAILED_MARK, ContainerLabels.TRUE)
              .putLabels(ContainerLabels.START_ERROR,
                  ContainerTasks.dockersWords(String.valueOf(e.getStatus().getDescription()))))
          .setUpdateMask(FieldMask.newBuilder().addPaths("labels." + ContainerLabels.RESTART_FAILED_MARK)
              .addPaths("labels." + ContainerLabels.START_ERROR))
          .build());
    } catch (StatusRuntimeException notRecorded) {
      if (notRecorded.getStatus().getCode() == Code.NOT_FOUND) {
        return removedWhileRestarting(key, e);
      }
      if (notRecorded.getStatus().getCode() == Code.FAILED_PRECONDITION) {
        LOG.info(key + ": started by its user after its restart failed; left to that start");
        return Outcome.LEFT_ALONE;
      }
      // not marked stopped, it would show as restarting for ever: looked at again
      LOG.warning(key + ": cannot record its failed restart, will retry: " + notRecorded.getStatus());
      return Outcome.FAILED;
    }
    return Outcome.STOPPED;
  }

  /** An API that did not answer in time or at all: the container is not at fault. */
  private static boolean unanswered(StatusRuntimeException e) {
    Code code = e.getStatus().getCode();
    return code == Code.UNAVAILABLE || code == Code.DEADLINE_EXCEEDED || code == Code.CANCELLED;
  }

  private static Outcome removedWhileRestarting(ContainerKey key, StatusRuntimeException e) {
    LOG.info(key + ": removed while it was restarted, not retried: " + e.getStatus());
    return Outcome.GONE;
  }

  /** The start time clients show ("Up 3 seconds"); a container without it still runs, so a failure only warns. */
  private static void recordStart(ContainerKey key, Channel ns, Instant began) {
    try {
      containers(ns).update(UpdateContainerRequest.newBuilder()
          .setContainer(Container.newBuilder().setId(key.id())
              .putLabels(ContainerLabels.STARTED_AT, began.toString()))
          .setUpdateMask(FieldMask.newBuilder().addPaths("labels." + ContainerLabels.STARTED_AT)).build());
    } catch (StatusRuntimeException e) {
      LOG.warning(key + ": cannot record its start time: " + e.getStatus());
    }
  }

  /**
   * The ended task's exit code and time, which go with the task this restart deletes: clients
   * show them until the new task runs ("Restarting (1) 2 seconds ago"), as Docker keeps them. A
   * failure only warns: the restart matters more.
   */
  private static void recordExit(ContainerKey key, Channel ns, Process ended) {
    Container.Builder labels = Container.newBuilder().setId(key.id())
        .putLabels(ContainerLabels.LAST_EXIT_CODE, Integer.toString(ended.getExitStatus()));
    FieldMask.Builder mask = FieldMask.newBuilder().addPaths("labels." + ContainerLabels.LAST_EXIT_CODE);
    if (ended.hasExitedAt()) {
      labels.putLabels(ContainerLabels.LAST_FINISHED_AT, ProtoTimes.toInstant(ended.getExitedAt()).toString());
      mask.addPaths("labels." + ContainerLabels.LAST_FINISHED_AT);
    }
    try {
      containers(ns).update(UpdateContainerRequest.newBuilder().setContainer(labels).setUpdateMask(mask).build());
    } catch (StatusRuntimeException e) {
      LOG.warning(key + ": cannot record its exit before restarting it: " + e.getStatus());
    }
  }

  private static void deleteTask(Channel ns, String id) {
    try {
      tasks(ns).delete(DeleteTaskRequest.newBuilder().setContainerId(id).build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Code.NOT_FOUND) {
        throw e;
      }
    }
  }

  /**
   * NOT_FOUND (the container or its snapshot went) or ALREADY_EXISTS (someone else created its
   * task meanwhile): trying again would not help.
   */
  private static boolean overtaken(StatusRuntimeException e) {
    return e.getStatus().getCode() == Code.NOT_FOUND || e.getStatus().getCode() == Code.ALREADY_EXISTS;
  }

  /**
   * The new restart count, and the desired status back to running when berthd's start brings a
   * stopped container back; the status is written only then, so a client's concurrent stop is
   * not overwritten, or put back when it was ({@link #recordRestart}). An earlier failed start's
   * error goes, as Docker's start clears State.Error, and so does a failed restart's mark.
   */
  private static UpdateContainerRequest labelUpdate(ContainerKey key, Container container, int restart) {
    Container.Builder labels = Container.newBuilder().setId(key.id())
        .putLabels(ContainerLabels.RESTART_COUNT, Integer.toString(restart));
    // a label in the mask and not in the record is removed
    FieldMask.Builder mask = FieldMask.newBuilder().addPaths("labels." + ContainerLabels.RESTART_COUNT)
        .addPaths("labels." + ContainerLabels.START_ERROR).addPaths("labels." + ContainerLabels.RESTART_FAILED_MARK);
    if (!ContainerLabels.RUNNING.equals(container.getLabelsMap().get(ContainerLabels.RESTART_STATUS))) {
      labels.putLabels(ContainerLabels.RESTART_STATUS, ContainerLabels.RUNNING);
      mask.addPaths("labels." + ContainerLabels.RESTART_STATUS);
    }
    return UpdateContainerRequest.newBuilder().setContainer(labels).setUpdateMask(mask).build();
  }

  /** No stdin; output to the log the container's labels name, else only to the task's own log. */
  private static CreateTaskRequest createRequest(ContainerKey key, Container container) {
    CreateTaskRequest.Builder request = CreateTaskRequest.newBuilder().setContainerId(key.id());
    String uri = container.getLabelsMap().get(ContainerLabels.RESTART_LOG_URI);
    String path = container.getLabelsMap().get(ContainerLabels.RESTART_LOG_PATH);
    String log = uri != null && !uri.isEmpty() ? uri : path != null && !path.isEmpty() ? "file://" + path : "";
    boolean terminal = terminal(key, container);
    request.setStdout(log).setTerminal(terminal);
    if (!terminal) {
      request.setStderr(log);
    }
    return request.build();
  }

  /** Whether the spec asks for a terminal: the runtime refuses a task whose IO does not match it. */
  private static boolean terminal(ContainerKey key, Container container) {
    try {
      return JSON.readTree(container.getSpec().getValue().toByteArray()).path("process").path("terminal").asBoolean(false);
    } catch (IOException e) {
      LOG.warning(key + ": spec is not JSON (" + e.getMessage() + "); restarting without a terminal");
      return false;
    }
  }

  private Optional<Process> task(Channel ns, String id) {
    try {
      return Optional.of(tasks(ns).get(GetRequest.newBuilder().setContainerId(id).build()).getProcess());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static ContainersGrpc.ContainersBlockingStub containers(Channel ns) {
    return ContainersGrpc.newBlockingStub(ns).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  private static TasksGrpc.TasksBlockingStub tasks(Channel ns) {
    return TasksGrpc.newBlockingStub(ns).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }
}
