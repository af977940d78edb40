package dev.berth.restart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.GetContainerRequest;
import containerd.services.containers.v1.GetContainerResponse;
import containerd.services.containers.v1.UpdateContainerRequest;
import containerd.services.containers.v1.UpdateContainerResponse;
import com.google.protobuf.Empty;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteResponse;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.StartResponse;
import containerd.v1.types.Process;
import containerd.services.tasks.v1.CreateTaskResponse;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.GetResponse;
import containerd.services.tasks.v1.TasksGrpc;
import dev.berth.api.grpc.LabelPreconditions;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.common.grpc.RequestContext;
import dev.berth.common.grpc.ServiceInterceptors;
import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A restart whose task creation fails: left stopped with its error as Docker's daemon leaves it,
 * retried only when the API did not answer, dropped once the container was removed meanwhile,
 * whatever status the failed creation had; a stop that lands while the
 * container is restarted ends the new task; a task a killed berthd created and never started is
 * replaced and started when berthd starts. Fake Containers and Tasks services
 * in process; the real restarts are {@link RestartMonitorKernelTest}'s.
 */
class ContainerRestarterTest {
  private static final ContainerKey KEY = new ContainerKey("default", "crashy");
  private static final Instant EXITED_AT = Instant.parse("2026-12-05T10:00:03.25Z");

  /**
   * One container, by default with policy always and meant to run, whose task is gone and whose
   * next task the runtime refuses; its labels as a test sets them, whatever updates say.
   */
  private static final class Fakes {
    volatile Map<String, String> labels = Map.of(ContainerLabels.RESTART_POLICY, "always",
        ContainerLabels.RESTART_STATUS, ContainerLabels.RUNNING);
    volatile int creates;
    volatile boolean removedDuringCreate;
    volatile boolean removed;
    volatile Status createFailure = Status.UNKNOWN.withDescription("runc create failed: no such file or directory");
    final List<Map<String, String>> updates = new CopyOnWriteArrayList<>();
    final List<List<String>> masks = new CopyOnWriteArrayList<>();

    final ContainersGrpc.ContainersImplBase containers = new ContainersGrpc.ContainersImplBase() {
      @Override
      public void get(GetContainerRequest request, StreamObserver<GetContainerResponse> response) {
        if (removed) {
          response.onError(Status.NOT_FOUND.withDescription("container crashy not found").asRuntimeException());
          return;
        }
        response.onNext(GetContainerResponse.newBuilder()
            .setContainer(Container.newBuilder().setId(KEY.id()).putAllLabels(labels)).build());
        response.onCompleted();
      }

      @Override
      public void update(UpdateContainerRequest request, StreamObserver<UpdateContainerResponse> response) {
        if (removed) {
          response.onError(Status.NOT_FOUND.asRuntimeException());
          return;
        }
        updates.add(request.getContainer().getLabelsMap());
        masks.add(request.getUpdateMask().getPathsList());
        response.onNext(UpdateContainerResponse.newBuilder().setContainer(request.getContainer()).build());
        response.onCompleted();
      }
    };

    final TasksGrpc.TasksImplBase tasks = new TasksGrpc.TasksImplBase() {
      @Override
      public void get(GetRequest request, StreamObserver<GetResponse> response) {
        response.onError(Status.NOT_FOUND.asRuntimeException());
      }

      @Override
      public void create(CreateTaskRequest request, StreamObserver<CreateTaskResponse> response) {
        creates++;
        removed = removedDuringCreate;
        // by default what runc says when the rootfs went under it
        response.onError(createFailure.asRuntimeException());
      }
    };
  }

  /** One always container whose task exited with 2 and is restarted; the user's stop can land as the new task starts. */
  private static final class Restartable {
    volatile String desired = ContainerLabels.RUNNING;
    volatile boolean stopDuringStart;
    volatile containerd.v1.types.Status taskStatus = containerd.v1.types.Status.STOPPED;
    volatile Instant updatedAt = Instant.EPOCH;
    final List<Integer> kills = new CopyOnWriteArrayList<>();
    final List<String> calls = new CopyOnWriteArrayList<>();

    final ContainersGrpc.ContainersImplBase containers = new ContainersGrpc.ContainersImplBase() {
      @Override
      public void get(GetContainerRequest request, StreamObserver<GetContainerResponse> response) {
        response.onNext(GetContainerResponse.newBuilder().setContainer(Container.newBuilder().setId(KEY.id())
            .putLabels(ContainerLabels.RESTART_POLICY, "always")
            .putLabels(ContainerLabels.RESTART_COUNT, "1")
            .putLabels(ContainerLabels.RESTART_STATUS, desired).setUpdatedAt(ProtoTimes.toTimestamp(updatedAt)))
            .build());
        response.onCompleted();
      }

      @Override
      public void update(UpdateContainerRequest request, StreamObserver<UpdateContainerResponse> response) {
        Map<String, String> labels = request.getContainer().getLabelsMap();
        calls.add(labels.containsKey(ContainerLabels.LAST_EXIT_CODE)
            ? "exit " + labels.get(ContainerLabels.LAST_EXIT_CODE) + " at " + labels.get(ContainerLabels.LAST_FINISHED_AT)
            : "count " + labels.get(ContainerLabels.RESTART_COUNT));
        response.onNext(UpdateContainerResponse.newBuilder().setContainer(request.getContainer()).build());
        response.onCompleted();
      }
    };

    final TasksGrpc.TasksImplBase tasks = new TasksGrpc.TasksImplBase() {
      @Override
      public void get(GetRequest request, StreamObserver<GetResponse> response) {
        response.onNext(GetResponse.newBuilder().setProcess(Process.newBuilder().setContainerId(KEY.id())
            .setStatus(taskStatus).setExitStatus(taskStatus == containerd.v1.types.Status.STOPPED ? 2 : 0)
            .setExitedAt(ProtoTimes.toTimestamp(EXITED_AT))).build());
        response.onCompleted();
      }

      @Override
      public void delete(DeleteTaskRequest request, StreamObserver<DeleteResponse> response) {
        calls.add("delete");
        response.onNext(DeleteResponse.getDefaultInstance());
        response.onCompleted();
      }

      @Override
      public void create(CreateTaskRequest request, StreamObserver<CreateTaskResponse> response) {
        response.onNext(CreateTaskResponse.getDefaultInstance());
        response.onCompleted();
      }

      @Override
      public void start(StartRequest request, StreamObserver<StartResponse> response) {
        calls.add("start");
        if (stopDuringStart) {
          // the user's stop marks the container as the monitor starts its new task
          desired = ContainerLabels.STOPPED;
        }
        response.onNext(StartResponse.getDefaultInstance());
        response.onCompleted();
      }

      @Override
      public void kill(KillRequest request, StreamObserver<Empty> response) {
        kills.add(request.getSignal());
        response.onNext(Empty.getDefaultInstance());
        response.onCompleted();
      }
    };
  }

  /**
   * One container berthd's start brings back (its task ended), whose record the Containers fake
   * keeps as the store does: an update writes the labels its mask names (removing those it names
   * without a value), if its label preconditions hold, and answers the record as it is after the write.
   */
  private static final class BroughtBack {
    final Map<String, String> labels = new java.util.concurrent.ConcurrentHashMap<>();
    final List<String> calls = new CopyOnWriteArrayList<>();

    BroughtBack(String policy, String status) {
      labels.putAll(Map.of(ContainerLabels.RESTART_POLICY, policy, ContainerLabels.RESTART_STATUS, status,
          ContainerLabels.STOP_REQUEST, "the stop before berthd's restart"));
    }

    private Container record() {
      return Container.newBuilder().setId(KEY.id()).putAllLabels(labels).build();
    }

    final ContainersGrpc.ContainersImplBase containers = new ContainersGrpc.ContainersImplBase() {
      @Override
      public void get(GetContainerRequest request, StreamObserver<GetContainerResponse> response) {
        response.onNext(GetContainerResponse.newBuilder().setContainer(record()).build());
        response.onCompleted();
      }

      @Override
      public void update(UpdateContainerRequest request, StreamObserver<UpdateContainerResponse> response) {
        synchronized (labels) {
          Optional<String> unmet = LabelPreconditions.unmet(RequestContext.labelPreconditions(), labels);
          if (unmet.isPresent()) {
            response.onError(Status.FAILED_PRECONDITION.withDescription(unmet.get()).asRuntimeException());
            return;
          }
          for (String path : request.getUpdateMask().getPathsList()) {
            String key = path.substring("labels.".length());
            String value = request.getContainer().getLabelsMap().get(key);
            if (value == null) {
              labels.remove(key);
            } else {
              labels.put(key, value);
            }
          }
        }
        response.onNext(UpdateContainerResponse.newBuilder().setContainer(record()).build());
        response.onCompleted();
      }
    };

    /** What lands just before the next delete reaches the Tasks service: a user's calls, say. */
    volatile Runnable beforeNextDelete = () -> { };
    /** What lands just after the next delete: a user's calls, say. */
    volatile Runnable afterNextDelete = () -> { };
    /** What lands just before the next start reaches the runtime: a user's start of the same task, say. */
    volatile Runnable beforeNextStart = () -> { };
    /** What the runtime answers the next start with, if it refuses it. */
    volatile Status nextStartFailure;

    /** The task's status, as the Tasks service has it: the one that ended, then the ones made. */
    volatile containerd.v1.types.Status task = containerd.v1.types.Status.STOPPED;

    final TasksGrpc.TasksImplBase tasks = new TasksGrpc.TasksImplBase() {
      @Override
      public void get(GetRequest request, StreamObserver<GetResponse> response) {
        if (task == null) {
          response.onError(Status.NOT_FOUND.asRuntimeException());
          return;
        }
        response.onNext(GetResponse.newBuilder().setProcess(Process.newBuilder().setContainerId(KEY.id())
            .setStatus(task).setExitedAt(ProtoTimes.toTimestamp(EXITED_AT))).build());
        response.onCompleted();
      }

      @Override
      public void delete(DeleteTaskRequest request, StreamObserver<DeleteResponse> response) {
        Runnable landing = beforeNextDelete;
        beforeNextDelete = () -> { };
        landing.run();
        calls.add("delete");
        if (task == containerd.v1.types.Status.RUNNING) {
          response.onError(Status.FAILED_PRECONDITION.withDescription("task is running").asRuntimeException());
          return;
        }
        task = null;
        Runnable landed = afterNextDelete;
        afterNextDelete = () -> { };
        landed.run();
        response.onNext(DeleteResponse.getDefaultInstance());
        response.onCompleted();
      }

      @Override
      public void create(CreateTaskRequest request, StreamObserver<CreateTaskResponse> response) {
        calls.add("create");
        if (task != null) {
          response.onError(Status.ALREADY_EXISTS.withDescription("task crashy already exists in namespace default")
              .asRuntimeException());
          return;
        }
        task = containerd.v1.types.Status.CREATED;
        response.onNext(CreateTaskResponse.getDefaultInstance());
        response.onCompleted();
      }

      @Override
      public void start(StartRequest request, StreamObserver<StartResponse> response) {
        Runnable landing = beforeNextStart;
        beforeNextStart = () -> { };
        landing.run();
        calls.add("start");
        Status failure = nextStartFailure;
        nextStartFailure = null;
        if (task == null) {
          failure = Status.NOT_FOUND.withDescription("task crashy not found in namespace default");
        } else if (task == containerd.v1.types.Status.RUNNING) {
          failure = Status.FAILED_PRECONDITION.withDescription(
              "runc start: cannot start a container that has already started");
        }
        if (failure != null) {
          response.onError(failure.asRuntimeException());
          return;
        }
        task = containerd.v1.types.Status.RUNNING;
        response.onNext(StartResponse.getDefaultInstance());
        response.onCompleted();
      }

      @Override
      public void kill(KillRequest request, StreamObserver<Empty> response) {
        calls.add("kill");
        task = containerd.v1.types.Status.STOPPED;
        response.onNext(Empty.getDefaultInstance());
        response.onCompleted();
      }
    };
  }

  private Server server;
  private ManagedChannel channel;

  private ContainerRestarter restarter(Fakes fakes) throws Exception {
    return restarter(fakes.containers, fakes.tasks);
  }

  private ContainerRestarter restarter(BindableService containers, BindableService tasks) throws Exception {
    return restarter(containers, tasks, () -> { });
  }

  private ContainerRestarter restarter(BindableService containers, BindableService tasks,
      Runnable beforeRestartRecorded) throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(ServiceInterceptors.wrap(containers)).addService(ServiceInterceptors.wrap(tasks)).build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    return new ContainerRestarter(channel, beforeRestartRecorded);
  }

  @AfterEach
  void close() throws InterruptedException {
    if (channel != null) {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    if (server != null) {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRestartTheRuntimeRefusesLeavesTheContainerStoppedWithItsErrorAsDockers() throws Exception {
    Fakes fakes = new Fakes();
    assertEquals(ContainerRestarter.Outcome.STOPPED, restarter(fakes).evaluate(KEY, Trigger.DAEMON_START));
    Map<String, String> last = fakes.updates.get(fakes.updates.size() - 1);
    assertEquals(ContainerLabels.TRUE, last.get(ContainerLabels.RESTART_FAILED_MARK), "not a user's stop");
    assertEquals("runc create failed: no such file or directory", last.get(ContainerLabels.START_ERROR));
    assertEquals(List.of("labels." + ContainerLabels.RESTART_FAILED_MARK, "labels." + ContainerLabels.START_ERROR),
        fakes.masks.get(fakes.masks.size() - 1), "a user's stop written meanwhile is left as it is");
  }

  @Test
  void aContainerAFailedRestartLeftStoppedIsTriedAgainWhenBerthdStartsAsDockers() throws Exception {
    // marked as this berthd marks it, and as an older one did
    for (Map<String, String> failed : List.of(
        Map.of(ContainerLabels.RESTART_STATUS, ContainerLabels.RUNNING, ContainerLabels.RESTART_FAILED_MARK, "true"),
        Map.of(ContainerLabels.RESTART_STATUS, ContainerLabels.RESTART_FAILED))) {
      for (String policy : List.of("unless-stopped", "on-failure:3")) {
        Fakes fakes = new Fakes();
        Map<String, String> labels = new java.util.HashMap<>(failed);
        labels.putAll(Map.of(ContainerLabels.RESTART_POLICY, policy, ContainerLabels.RESTART_COUNT, "1",
            ContainerLabels.LAST_EXIT_CODE, "1"));
        fakes.labels = labels;
        ContainerRestarter restarter = restarter(fakes);
        assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter.evaluate(KEY, Trigger.EXIT), policy);
        assertEquals(ContainerRestarter.Outcome.STOPPED, restarter.evaluate(KEY, Trigger.DAEMON_START), policy);
        assertEquals(1, fakes.creates, policy);
        assertTrue(fakes.masks.get(0).contains("labels." + ContainerLabels.RESTART_FAILED_MARK),
            "the restart clears the mark");
        close();
      }
    }
  }

  @Test
  void aContainerWhoseStartOnRequestFailedIsTakenUpWhenBerthdStartsAsDockers() throws Exception {
    for (String policy : List.of("unless-stopped", "on-failure:3")) {
      Fakes fakes = new Fakes();
      // its earlier run ended with 0: the failed start's 128 is what on-failure goes by, as Docker's
      fakes.labels = Map.of(ContainerLabels.RESTART_POLICY, policy,
          ContainerLabels.RESTART_STATUS, ContainerLabels.START_FAILED, ContainerLabels.LAST_EXIT_CODE, "0",
          ContainerLabels.LAST_FINISHED_AT, "2026-12-05T09:00:00Z", ContainerLabels.STARTED_AT, "2026-12-05T08:00:00Z",
          ContainerLabels.START_ERROR, "failed to join PID namespace: container d0 is not running");
      ContainerRestarter restarter = restarter(fakes);
      assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter.evaluate(KEY, Trigger.RETRY), policy);
      assertEquals(ContainerRestarter.Outcome.STOPPED, restarter.evaluate(KEY, Trigger.DAEMON_START), policy);
      assertEquals(1, fakes.creates, policy);
      close();
    }
  }

  @Test
  void onFailureGoesByTheExitBeforeTheFailedRestartWhenBerthdStarts() throws Exception {
    Fakes fakes = new Fakes();
    fakes.labels = Map.of(ContainerLabels.RESTART_POLICY, "on-failure:3",
        ContainerLabels.RESTART_STATUS, ContainerLabels.RESTART_FAILED, ContainerLabels.RESTART_COUNT, "3",
        ContainerLabels.LAST_EXIT_CODE, "1");
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter(fakes).evaluate(KEY, Trigger.DAEMON_START),
        "its retries used up");
    close();
    fakes.labels = Map.of(ContainerLabels.RESTART_POLICY, "on-failure",
        ContainerLabels.RESTART_STATUS, ContainerLabels.RESTART_FAILED, ContainerLabels.LAST_EXIT_CODE, "0");
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter(fakes).evaluate(KEY, Trigger.DAEMON_START),
        "after an exit 0");
    assertEquals(0, fakes.creates);
  }

  @Test
  void aUsersStopThatLandsDuringAFailedRestartStaysAStop() throws Exception {
    Fakes fakes = new Fakes();
    // always is brought back when berthd starts; the record says stopped when the failure is recorded
    fakes.labels = Map.of(ContainerLabels.RESTART_POLICY, "always",
        ContainerLabels.RESTART_STATUS, ContainerLabels.STOPPED);
    assertEquals(ContainerRestarter.Outcome.STOPPED, restarter(fakes).evaluate(KEY, Trigger.DAEMON_START));
    assertFalse(fakes.masks.get(fakes.masks.size() - 1).contains("labels." + ContainerLabels.RESTART_STATUS));
  }

  @Test
  void aRestartWhoseTasksApiDidNotAnswerIsRetried() throws Exception {
    Fakes fakes = new Fakes();
    fakes.createFailure = Status.UNAVAILABLE.withDescription("tasks group down");
    assertEquals(ContainerRestarter.Outcome.FAILED, restarter(fakes).evaluate(KEY, Trigger.DAEMON_START));
  }

  @Test
  void aContainerRemovedWhileItWasRestartedIsDropped() throws Exception {
    Fakes fakes = new Fakes();
    fakes.removedDuringCreate = true;
    assertEquals(ContainerRestarter.Outcome.GONE, restarter(fakes).evaluate(KEY, Trigger.DAEMON_START));
  }

  @Test
  void aStopThatLandsWhileTheContainerIsRestartedKillsTheNewTask() throws Exception {
    Restartable fakes = new Restartable();
    fakes.stopDuringStart = true;
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE,
        restarter(fakes.containers, fakes.tasks).evaluate(KEY, Trigger.EXIT));
    assertEquals(List.of(9), fakes.kills);
  }

  @Test
  void aContainerStoppedBeforeTheMonitorLooksIsNotRestarted() throws Exception {
    Restartable fakes = new Restartable();
    fakes.desired = ContainerLabels.STOPPED;
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE,
        restarter(fakes.containers, fakes.tasks).evaluate(KEY, Trigger.EXIT));
    assertEquals(List.of(), fakes.kills);
  }

  @Test
  void aRestartNobodyStoppedLeavesTheNewTaskRunning() throws Exception {
    Restartable fakes = new Restartable();
    assertEquals(ContainerRestarter.Outcome.RESTARTED,
        restarter(fakes.containers, fakes.tasks).evaluate(KEY, Trigger.EXIT));
    assertEquals(List.of(), fakes.kills);
  }

  @Test
  void theEndedTasksExitIsRecordedBeforeTheRestartDeletesIt() throws Exception {
    Restartable fakes = new Restartable();
    assertEquals(ContainerRestarter.Outcome.RESTARTED,
        restarter(fakes.containers, fakes.tasks).evaluate(KEY, Trigger.EXIT));
    // clients show "Restarting (2) 1 second ago" until the new task runs, as Docker does
    assertEquals(List.of("exit 2 at " + EXITED_AT, "delete", "count 2", "start"), fakes.calls.subList(0, 4));
  }

  @Test
  void aTaskAKilledBerthdCreatedAndNeverStartedIsReplacedAndStartedWhenBerthdStarts() throws Exception {
    Restartable fakes = new Restartable();
    fakes.taskStatus = containerd.v1.types.Status.CREATED;
    assertEquals(ContainerRestarter.Outcome.RESTARTED,
        restarter(fakes.containers, fakes.tasks).evaluate(KEY, Trigger.DAEMON_START));
    // the restart it was created for was counted already
    assertEquals(List.of("delete", "count 1", "start"), fakes.calls.subList(0, 3));
  }

  @Test
  void aNeverStartedTaskOfARecordAClientOfThisBerthdUpdatedIsLeftToThatClientsStart() throws Exception {
    Restartable fakes = new Restartable();
    fakes.taskStatus = containerd.v1.types.Status.CREATED;
    ContainerRestarter restarter = restarter(fakes.containers, fakes.tasks);
    // a start marked the record after berthd began, and created its task: its start comes next
    fakes.updatedAt = Instant.now().plusSeconds(1);
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter.evaluate(KEY, Trigger.DAEMON_START));
    assertEquals(List.of(), fakes.calls);
  }

  @Test
  void aTaskCreatedWhileBerthdRunsIsLeftToWhoeverStartsIt() throws Exception {
    Restartable fakes = new Restartable();
    fakes.taskStatus = containerd.v1.types.Status.CREATED;
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE,
        restarter(fakes.containers, fakes.tasks).evaluate(KEY, Trigger.EXIT));
    assertEquals(List.of(), fakes.calls);
  }

  @Test
  void aNeverStartedTaskOfAContainerWhoseStartOnRequestFailedOverItIsStartedWhenBerthdStartsAsDockers()
      throws Exception {
    // a restart's task created, a user's start failed over it, then berthd was killed
    BroughtBack fakes = new BroughtBack("always", ContainerLabels.START_FAILED);
    fakes.task = containerd.v1.types.Status.CREATED;
    assertEquals(ContainerRestarter.Outcome.RESTARTED,
        restarter(fakes.containers, fakes.tasks).evaluate(KEY, Trigger.DAEMON_START));
    assertEquals(containerd.v1.types.Status.RUNNING, fakes.task);
    assertEquals(ContainerLabels.RUNNING, ContainerLabels.desiredStatus(fakes.labels));
    assertEquals(List.of("delete", "create", "start"), fakes.calls);
  }

  @Test
  void aNeverStartedTaskOfAContainerItsUserStoppedIsNotStarted() throws Exception {
    Restartable fakes = new Restartable();
    fakes.taskStatus = containerd.v1.types.Status.CREATED;
    fakes.desired = ContainerLabels.STOPPED;
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE,
        restarter(fakes.containers, fakes.tasks).evaluate(KEY, Trigger.DAEMON_START));
    assertEquals(List.of(), fakes.calls);
  }

  @Test
  void aUsersStopThatLandsBetweenTheDecisionAndTheWriteOfARestartWhenBerthdStartsWinsAsDockers() throws Exception {
    // always comes back when berthd starts even after a stop; unless-stopped after a failed start
    for (String[] brought : List.of(new String[] {"always", ContainerLabels.STOPPED},
        new String[] {"unless-stopped", ContainerLabels.START_FAILED})) {
      BroughtBack fakes = new BroughtBack(brought[0], brought[1]);
      // the user's stop, as berthctl's writes it, after the monitor decided and before its write
      ContainerRestarter restarter = restarter(fakes.containers, fakes.tasks,
          () -> new ContainerTasks(channel).markStopped(Container.newBuilder().setId(KEY.id()).build()));
      assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter.evaluate(KEY, Trigger.DAEMON_START), brought[0]);
      assertEquals(ContainerLabels.STOPPED, fakes.labels.get(ContainerLabels.RESTART_STATUS), brought[0]);
      assertEquals(List.of("delete", "create", "delete"), fakes.calls, brought[0] + ": its new task never started");
      close();
    }
  }

  @Test
  void berthctlStopOfAContainerBerthdsStartIsBringingBackLeavesItStoppedAsDockers() throws Exception {
    BroughtBack fakes = new BroughtBack("always", ContainerLabels.STOPPED);
    // the user's stop as berthctl runs it, while the new task is only created and the record
    // still says stopped: neither running nor restarting
    ContainerRestarter restarter = restarter(fakes.containers, fakes.tasks, () -> berthctlStop(fakes));
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter.evaluate(KEY, Trigger.DAEMON_START));
    assertEquals(ContainerLabels.STOPPED, fakes.labels.get(ContainerLabels.RESTART_STATUS));
    assertEquals(List.of("delete", "create", "delete"), fakes.calls, "its new task never started");
  }

  /** berthctl's stop as it runs it, of the container as the record has it now. */
  private void berthctlStop(BroughtBack fakes) {
    try {
      new ContainerTasks(channel).stop(dev.berth.client.containers.ContainerState.of(channel,
          Container.newBuilder().setId(KEY.id()).putAllLabels(fakes.labels).build()), java.time.Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void berthctlStopOfAnUnlessStoppedContainerLeftFailedThatBerthdsStartBringsBackKeepsItStoppedAsDockers()
      throws Exception {
    // left by a failed start, or by a failed restart (its mark over a running status)
    for (Map<String, String> failed : List.of(Map.of(ContainerLabels.RESTART_STATUS, ContainerLabels.START_FAILED),
        Map.of(ContainerLabels.RESTART_STATUS, ContainerLabels.RUNNING,
            ContainerLabels.RESTART_FAILED_MARK, ContainerLabels.TRUE))) {
      BroughtBack fakes = new BroughtBack("unless-stopped", ContainerLabels.STOPPED);
      fakes.labels.putAll(failed);
      // neither running nor restarting: berthctl's stop writes only a new stop request
      ContainerRestarter restarter = restarter(fakes.containers, fakes.tasks, () -> berthctlStop(fakes));
      assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter.evaluate(KEY, Trigger.DAEMON_START), failed.toString());
      assertEquals(ContainerLabels.STOPPED, ContainerLabels.desiredStatus(fakes.labels), failed.toString());
      assertEquals(List.of("delete", "create", "delete"), fakes.calls, failed + ": its new task never started");
      assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter.evaluate(KEY, Trigger.DAEMON_START),
          failed + ": not brought back at berthd's next start");
      assertEquals(List.of("delete", "create", "delete"), fakes.calls, failed.toString());
      close();
    }
  }

  @Test
  void aUsersStartAfterBerthctlsStopOfAContainerBerthdsStartBringsBackStaysTheUsersStart() throws Exception {
    BroughtBack fakes = new BroughtBack("unless-stopped", ContainerLabels.START_FAILED);
    ContainerRestarter restarter = restarter(fakes.containers, fakes.tasks, () -> {
      berthctlStop(fakes);
      // berthctl start's write, as berthd's undo deletes the task it created and before it records the stop
      fakes.afterNextDelete = () -> new ContainerTasks(channel).markRunning(Container.newBuilder().setId(KEY.id()).build());
    });
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter.evaluate(KEY, Trigger.DAEMON_START));
    assertEquals(ContainerLabels.RUNNING, ContainerLabels.desiredStatus(fakes.labels), "the user's start's");
  }

  @Test
  void aUsersStartStopAndStartWhileBerthdsStartBringsAContainerBackStaysTheUsersStart() throws Exception {
    BroughtBack fakes = new BroughtBack("always", ContainerLabels.STOPPED);
    ContainerRestarter restarter = restarter(fakes.containers, fakes.tasks, () -> {
      // berthctl's writes and Tasks calls: start (of the created task), stop, start
      ContainerTasks user = new ContainerTasks(channel);
      TasksGrpc.TasksBlockingStub tasks = TasksGrpc.newBlockingStub(channel);
      Container record = Container.newBuilder().setId(KEY.id()).build();
      user.markRunning(record);
      tasks.start(StartRequest.newBuilder().setContainerId(KEY.id()).build());
      user.markStopped(record);
      tasks.kill(KillRequest.newBuilder().setContainerId(KEY.id()).setSignal(15).build());
      tasks.delete(DeleteTaskRequest.newBuilder().setContainerId(KEY.id()).build());
      user.markRunning(record);
      tasks.create(CreateTaskRequest.newBuilder().setContainerId(KEY.id()).build());
      tasks.start(StartRequest.newBuilder().setContainerId(KEY.id()).build());
    });
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter.evaluate(KEY, Trigger.DAEMON_START));
    assertEquals(ContainerLabels.RUNNING, fakes.labels.get(ContainerLabels.RESTART_STATUS));
    assertEquals(null, fakes.labels.get(ContainerLabels.RESTART_FAILED_MARK));
    assertEquals(containerd.v1.types.Status.RUNNING, fakes.task, "the user's task runs on");
    assertEquals(List.of("delete", "create", "start", "kill", "delete", "create", "start", "start"), fakes.calls,
        "berthd's start of the task is refused, the user's ran it; nothing else is undone");
  }

  @Test
  void aUsersStartLandingAsBerthdsStartUndoesItForTheUsersStopStaysTheUsersStart() throws Exception {
    BroughtBack fakes = new BroughtBack("always", ContainerLabels.STOPPED);
    ContainerRestarter restarter = restarter(fakes.containers, fakes.tasks, () -> {
      berthctlStop(fakes);
      ContainerTasks user = new ContainerTasks(channel);
      // berthctl start's writes and Tasks call (it starts the created task) just before berthd's
      // undo of its own start deletes that task
      fakes.beforeNextDelete = () -> {
        user.markRunning(Container.newBuilder().setId(KEY.id()).build());
        TasksGrpc.newBlockingStub(channel).start(StartRequest.newBuilder().setContainerId(KEY.id()).build());
      };
    });
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter.evaluate(KEY, Trigger.DAEMON_START));
    assertEquals(ContainerLabels.RUNNING, fakes.labels.get(ContainerLabels.RESTART_STATUS), "the user's start's");
    assertEquals(null, fakes.labels.get(ContainerLabels.RESTART_FAILED_MARK), "no restart failed");
    assertEquals(null, fakes.labels.get(ContainerLabels.START_ERROR));
    assertEquals(containerd.v1.types.Status.RUNNING, fakes.task, "the user's task runs on");
    assertEquals(List.of("delete", "create", "start", "delete"), fakes.calls);
  }

  @Test
  void aUsersStartLandingBetweenTheUndoOfBerthdsRestartAndItsEndStaysTheUsersStart() throws Exception {
    BroughtBack fakes = new BroughtBack("unless-stopped", ContainerLabels.START_FAILED);
    ContainerRestarter restarter = restarter(fakes.containers, fakes.tasks, () -> {
      // the user's stop, before berthd's restart is recorded; the undo deletes the restart's task
      // and the user's start (berthctl's Tasks calls, then its write) lands right after
      new ContainerTasks(channel).markStopped(Container.newBuilder().setId(KEY.id()).build());
      fakes.afterNextDelete = () -> {
        TasksGrpc.TasksBlockingStub tasks = TasksGrpc.newBlockingStub(channel);
        tasks.create(CreateTaskRequest.newBuilder().setContainerId(KEY.id()).build());
        tasks.start(StartRequest.newBuilder().setContainerId(KEY.id()).build());
        new ContainerTasks(channel).markRunning(Container.newBuilder().setId(KEY.id()).build());
      };
    });
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter.evaluate(KEY, Trigger.DAEMON_START));
    assertEquals(containerd.v1.types.Status.RUNNING, fakes.task, "the user's task runs");
    assertEquals(ContainerLabels.RUNNING, fakes.labels.get(ContainerLabels.RESTART_STATUS),
        "the record says so, and berthd's next start brings an unless-stopped container back");
    assertEquals(List.of("delete", "create", "delete", "create", "start"), fakes.calls);
  }

  @Test
  void aUsersStartLandingAfterAFailedRestartIsNotMarkedAFailedRestart() throws Exception {
    BroughtBack fakes = new BroughtBack("always", ContainerLabels.RUNNING);
    fakes.nextStartFailure = Status.UNKNOWN.withDescription("runc start failed: exec format error");
    // the restart's unstarted task is deleted, then the user's start runs the container
    fakes.afterNextDelete = () -> fakes.afterNextDelete = () -> {
      TasksGrpc.TasksBlockingStub tasks = TasksGrpc.newBlockingStub(channel);
      tasks.create(CreateTaskRequest.newBuilder().setContainerId(KEY.id()).build());
      tasks.start(StartRequest.newBuilder().setContainerId(KEY.id()).build());
      new ContainerTasks(channel).markRunning(Container.newBuilder().setId(KEY.id()).build());
    };
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter(fakes.containers, fakes.tasks)
        .evaluate(KEY, Trigger.DAEMON_START));
    assertEquals(containerd.v1.types.Status.RUNNING, fakes.task);
    assertEquals(ContainerLabels.RUNNING, ContainerLabels.desiredStatus(fakes.labels), "not a failed restart");
    assertEquals(null, fakes.labels.get(ContainerLabels.START_ERROR));
    assertEquals(List.of("delete", "create", "start", "delete", "create", "start"), fakes.calls);
  }

  @Test
  void aUsersStartLandingBetweenARestartsTaskAndItsWriteStaysTheUsersStart() throws Exception {
    BroughtBack fakes = new BroughtBack("always", ContainerLabels.RUNNING);
    // berthctl start's write, then its start of the task it finds created, before the restart's write
    ContainerRestarter restarter = restarter(fakes.containers, fakes.tasks, () -> {
      new ContainerTasks(channel).markRunning(Container.newBuilder().setId(KEY.id()).build());
      TasksGrpc.newBlockingStub(channel).start(StartRequest.newBuilder().setContainerId(KEY.id()).build());
    });
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter.evaluate(KEY, Trigger.EXIT));
    assertEquals(containerd.v1.types.Status.RUNNING, fakes.task, "the user's start runs it");
    assertEquals(ContainerLabels.RUNNING, ContainerLabels.desiredStatus(fakes.labels), "not a failed restart");
    assertEquals(null, fakes.labels.get(ContainerLabels.RESTART_COUNT), "the user's start reset the count");
    assertEquals(List.of("delete", "create", "start", "start"), fakes.calls,
        "berthd's start of its task is refused, the user's ran it; the task is not deleted");
  }

  @Test
  void aRestartsTaskAUsersStartLandingBeforeItsWriteHasNotStartedYetIsStartedByBerthd() throws Exception {
    BroughtBack fakes = new BroughtBack("always", ContainerLabels.RUNNING);
    // berthctl start's write only: its create is still to come, or its client was killed
    ContainerRestarter restarter = restarter(fakes.containers, fakes.tasks,
        () -> new ContainerTasks(channel).markRunning(Container.newBuilder().setId(KEY.id()).build()));
    assertEquals(ContainerRestarter.Outcome.RESTARTED, restarter.evaluate(KEY, Trigger.EXIT));
    assertEquals(containerd.v1.types.Status.RUNNING, fakes.task, "not left created for a start that may never come");
    assertEquals(null, fakes.labels.get(ContainerLabels.RESTART_COUNT), "the user's start reset the count");
    assertEquals(List.of("delete", "create", "start"), fakes.calls);
  }

  /** berthctl start as it runs it, of the container as it looked at it before: {@code task} (null: none). */
  private void berthctlStart(BroughtBack fakes, containerd.v1.types.Status task) {
    Optional<Process> seen = Optional.ofNullable(task)
        .map(t -> Process.newBuilder().setContainerId(KEY.id()).setStatus(t).build());
    new ContainerTasks(channel).startDetached(new dev.berth.client.containers.ContainerState(
        Container.newBuilder().setId(KEY.id()).putAllLabels(fakes.labels).build(), seen));
  }

  @Test
  void berthctlStartThatFindsNoTaskAsBerthdCreatesItsRestartsStartsThatTaskInsteadOfFailing() throws Exception {
    BroughtBack fakes = new BroughtBack("always", ContainerLabels.RUNNING);
    // the user looked before berthd's create; its write lands before berthd's, its create after berthd's
    ContainerRestarter restarter = restarter(fakes.containers, fakes.tasks, () -> berthctlStart(fakes, null));
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter.evaluate(KEY, Trigger.EXIT));
    assertEquals(containerd.v1.types.Status.RUNNING, fakes.task, "the user's start runs berthd's task");
    assertEquals(ContainerLabels.RUNNING, ContainerLabels.desiredStatus(fakes.labels), "not a failed start");
    assertEquals(null, fakes.labels.get(ContainerLabels.START_ERROR));
    assertEquals(List.of("delete", "create", "create", "start", "start"), fakes.calls,
        "the user's create is refused, its start runs the task, berthd's start is refused");
  }

  @Test
  void berthctlStartMeetingTheEndedTaskBerthdDeletesForItsRestartIsANoOpAsDockers() throws Exception {
    BroughtBack fakes = new BroughtBack("always", ContainerLabels.RUNNING);
    restarter(fakes.containers, fakes.tasks);
    // the user saw no task; its create is refused for the ended one, which berthd deletes before its start
    fakes.beforeNextStart = () -> fakes.task = null;
    berthctlStart(fakes, null);
    assertEquals(ContainerLabels.RUNNING, ContainerLabels.desiredStatus(fakes.labels), "not a failed start");
    assertEquals(null, fakes.labels.get(ContainerLabels.START_ERROR));
    assertEquals(List.of("create", "start"), fakes.calls);
  }

  @Test
  void berthctlStartOfAContainerWithoutAPolicyWhoseProcessEndedBeforeItsStartFails() throws Exception {
    BroughtBack fakes = new BroughtBack("no", ContainerLabels.STOPPED);
    fakes.task = null;
    // the process created ends (killed, say) before the start reaches the runtime
    fakes.beforeNextStart = () -> fakes.task = containerd.v1.types.Status.STOPPED;
    fakes.nextStartFailure = Status.FAILED_PRECONDITION.withDescription("cannot start crashy: it is stopped");
    restarter(fakes.containers, fakes.tasks); // serves the fakes; berthd's monitor has nothing to do here
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> berthctlStart(fakes, null));
    assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode(), "reported, not taken for another's start");
  }

  @Test
  void berthctlStartOfAContainerBerthdRestartedSinceItLookedIsANoOpAsDockers() throws Exception {
    // the user saw berthd's new task created, or none yet; berthd's start ran it first
    for (containerd.v1.types.Status seen : java.util.Arrays.asList(containerd.v1.types.Status.CREATED, null)) {
      BroughtBack fakes = new BroughtBack("always", ContainerLabels.RUNNING);
      assertEquals(ContainerRestarter.Outcome.RESTARTED,
          restarter(fakes.containers, fakes.tasks).evaluate(KEY, Trigger.EXIT));
      berthctlStart(fakes, seen);
      assertEquals(containerd.v1.types.Status.RUNNING, fakes.task, String.valueOf(seen));
      assertEquals(ContainerLabels.RUNNING, ContainerLabels.desiredStatus(fakes.labels), "not a failed start");
      assertEquals(null, fakes.labels.get(ContainerLabels.START_ERROR), String.valueOf(seen));
      close();
    }
  }

  @Test
  void aUsersStartLandingBetweenARestartsWriteAndItsStartIsNotAFailedRestart() throws Exception {
    BroughtBack fakes = new BroughtBack("always", ContainerLabels.RUNNING);
    // berthctl start lands after the restart's write: it runs the created task, berthd's start is refused
    ContainerRestarter restarter = restarter(fakes.containers, fakes.tasks);
    fakes.beforeNextStart = () -> {
      new ContainerTasks(channel).markRunning(Container.newBuilder().setId(KEY.id()).build());
      fakes.task = containerd.v1.types.Status.RUNNING;
    };
    assertEquals(ContainerRestarter.Outcome.LEFT_ALONE, restarter.evaluate(KEY, Trigger.EXIT));
    assertEquals(containerd.v1.types.Status.RUNNING, fakes.task, "the user's start runs it");
    assertEquals(ContainerLabels.RUNNING, ContainerLabels.desiredStatus(fakes.labels), "not a failed restart");
    assertEquals(null, fakes.labels.get(ContainerLabels.START_ERROR));
    assertEquals(List.of("delete", "create", "start"), fakes.calls, "its task is not deleted under the user's start");
  }

  @Test
  void aRestartWhenBerthdStartsThatNobodyStoppedMarksTheContainerRunning() throws Exception {
    BroughtBack fakes = new BroughtBack("always", ContainerLabels.STOPPED);
    assertEquals(ContainerRestarter.Outcome.RESTARTED,
        restarter(fakes.containers, fakes.tasks).evaluate(KEY, Trigger.DAEMON_START));
    assertEquals(ContainerLabels.RUNNING, fakes.labels.get(ContainerLabels.RESTART_STATUS));
    assertEquals(List.of("delete", "create", "start"), fakes.calls);
  }
}
