package dev.berth.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import containerd.services.tasks.v1.CheckpointTaskRequest;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteProcessRequest;
import containerd.services.tasks.v1.DeleteResponse;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.ExecProcessRequest;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.PauseTaskRequest;
import containerd.services.tasks.v1.ResizePtyRequest;
import containerd.services.tasks.v1.ResumeTaskRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.UpdateTaskRequest;
import containerd.services.tasks.v1.WaitRequest;
import containerd.services.tasks.v1.WaitResponse;
import containerd.v1.types.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/** The Tasks API's answers to each step of a task's life, and to misuse, over a runtime without processes. */
class TaskStatusCodesTest {
  @RegisterExtension
  final FakeTaskRig rig = new FakeTaskRig();

  private static void fails(io.grpc.Status.Code code, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
  }

  private void create(String id) {
    rig.container(id);
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId(id).build());
  }

  private void start(String id) {
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId(id).build());
  }

  private Status status(String id, String execId) {
    return rig.tasksApi.get(GetRequest.newBuilder().setContainerId(id).setExecId(execId).build()).getProcess().getStatus();
  }

  private ExecProcessRequest exec(String id, String execId) {
    return ExecProcessRequest.newBuilder().setContainerId(id).setExecId(execId)
        .setSpec(Specs.any(Specs.PROCESS_TYPE, Specs.process("true"))).build();
  }

  private List<String> taskTopics() {
    return rig.events.topics().stream().filter(t -> t.startsWith("/tasks/")).toList();
  }

  private DeleteResponse delete(String id) {
    return rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId(id).build());
  }

  @Test
  void unknownContainerIsNotFound() {
    fails(io.grpc.Status.Code.NOT_FOUND, () -> rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("nosuch").build()));
    fails(io.grpc.Status.Code.NOT_FOUND, () -> rig.tasksApi.get(GetRequest.newBuilder().setContainerId("nosuch").build()));
    fails(io.grpc.Status.Code.NOT_FOUND, () -> rig.tasksApi.wait(WaitRequest.newBuilder().setContainerId("nosuch").build()));
    fails(io.grpc.Status.Code.NOT_FOUND, () -> delete("nosuch"));
    fails(io.grpc.Status.Code.NOT_FOUND, () -> start("nosuch"));
    fails(io.grpc.Status.Code.NOT_FOUND, () -> rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("nosuch").setSignal(9).build()));
  }

  @Test
  void taskLifecycleMisuseGetsContainerdsCodes() {
    create("c1");
    fails(io.grpc.Status.Code.ALREADY_EXISTS, () -> rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("c1").build()));
    fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.exec(exec("c1", "early")));
    start("c1");
    fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> start("c1"));
    fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> delete("c1"));

    rig.tasksApi.exec(exec("c1", "e1"));
    fails(io.grpc.Status.Code.ALREADY_EXISTS, () -> rig.tasksApi.exec(exec("c1", "e1")));
    fails(io.grpc.Status.Code.INVALID_ARGUMENT, () -> rig.tasksApi.exec(exec("c1", "Bad ID!")));
    fails(io.grpc.Status.Code.NOT_FOUND, () -> rig.tasksApi.start(StartRequest.newBuilder().setContainerId("c1").setExecId("nosuch").build()));
    fails(io.grpc.Status.Code.UNIMPLEMENTED, () -> rig.tasksApi.checkpoint(CheckpointTaskRequest.newBuilder().setContainerId("c1").build()));

    rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("c1").setSignal(9).build());
    assertEquals(137, rig.tasksApi.wait(WaitRequest.newBuilder().setContainerId("c1").build()).getExitStatus());
    fails(io.grpc.Status.Code.NOT_FOUND, () -> rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("c1").setSignal(9).build()));
    rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("c1").setSignal(9).setAll(true).build());
    fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.pause(PauseTaskRequest.newBuilder().setContainerId("c1").build()));
    fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.start(StartRequest.newBuilder().setContainerId("c1").setExecId("e1").build()));
    fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.update(UpdateTaskRequest.newBuilder().setContainerId("c1")
        .setResources(Any.newBuilder().setValue(ByteString.copyFromUtf8("{}"))).build()));
    assertEquals(137, delete("c1").getExitStatus());
    fails(io.grpc.Status.Code.NOT_FOUND, () -> delete("c1"));
    fails(io.grpc.Status.Code.NOT_FOUND, () -> rig.tasksApi.get(GetRequest.newBuilder().setContainerId("c1").build()));
  }

  @Test
  void aSignalLinuxDoesNotHaveIsInvalidArgumentAndSignalsNothing() {
    create("s");
    start("s");
    // 2^32 - 1 as the proto's uint32 carries it
    for (int signal : new int[] {65, 99, -1}) {
      fails(io.grpc.Status.Code.INVALID_ARGUMENT,
          () -> rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("s").setSignal(signal).build()));
      fails(io.grpc.Status.Code.INVALID_ARGUMENT,
          () -> rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("s").setSignal(signal).setAll(true).build()));
    }
    assertEquals(Status.RUNNING, status("s", ""));
  }

  @Test
  void pauseAndResumeMoveBetweenRunningAndPaused() {
    create("p");
    fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.pause(PauseTaskRequest.newBuilder().setContainerId("p").build()));
    start("p");
    fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.resume(ResumeTaskRequest.newBuilder().setContainerId("p").build()));
    rig.tasksApi.pause(PauseTaskRequest.newBuilder().setContainerId("p").build());
    assertEquals(Status.PAUSED, status("p", ""));
    fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.pause(PauseTaskRequest.newBuilder().setContainerId("p").build()));
    fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> delete("p"));
    rig.tasksApi.resume(ResumeTaskRequest.newBuilder().setContainerId("p").build());
    assertEquals(Status.RUNNING, status("p", ""));
    assertEquals(List.of("/tasks/create", "/tasks/start", "/tasks/paused", "/tasks/resumed"), taskTopics());
  }

  @Test
  void execsRunEndAndGoOnlyOnceEnded() throws Exception {
    create("x");
    start("x");
    rig.tasksApi.exec(exec("x", "e1"));
    rig.tasksApi.exec(exec("x", "e2"));
    assertEquals(Status.CREATED, status("x", "e1"));
    fails(io.grpc.Status.Code.NOT_FOUND, () -> rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("x").setExecId("e1").setSignal(9).build()));
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("x").setExecId("e1").build());
    int pid = rig.tasksApi.start(StartRequest.newBuilder().setContainerId("x").setExecId("e1").build()).getPid();
    assertEquals(Status.RUNNING, status("x", "e1"));
    fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.start(StartRequest.newBuilder().setContainerId("x").setExecId("e1").build()));
    fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.deleteProcess(DeleteProcessRequest.newBuilder().setContainerId("x").setExecId("e1").build()));
    fails(io.grpc.Status.Code.INVALID_ARGUMENT, () -> rig.tasksApi.deleteProcess(DeleteProcessRequest.newBuilder().setContainerId("x").build()));

    rig.runtime.exitProcess(pid, 3);
    assertEquals(3, exit.get(5, TimeUnit.SECONDS).getExitStatus());
    fails(io.grpc.Status.Code.NOT_FOUND, () -> rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("x").setExecId("e1").setSignal(9).build()));
    assertEquals(3, rig.tasksApi.deleteProcess(DeleteProcessRequest.newBuilder().setContainerId("x").setExecId("e1").build()).getExitStatus());
    fails(io.grpc.Status.Code.NOT_FOUND, () -> rig.tasksApi.deleteProcess(DeleteProcessRequest.newBuilder().setContainerId("x").setExecId("e1").build()));
    rig.tasksApi.exec(exec("x", "e1"));

    rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("x").setSignal(9).build());
    rig.tasksApi.wait(WaitRequest.newBuilder().setContainerId("x").build());
    ListenableFuture<WaitResponse> neverRan = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("x").setExecId("e2").build());
    delete("x");
    assertEquals(0, neverRan.get(5, TimeUnit.SECONDS).getExitStatus(), "an exec that never ran ends with its task");
    // as containerd's: one /tasks/delete, the task's, naming the container and no process id
    List<RecordingEvents.Event> deletes = rig.events.all().stream().filter(e -> e.topic().equals("/tasks/delete")).toList();
    assertEquals(1, deletes.size(), deletes.toString());
    containerd.events.TaskDelete taskDelete = (containerd.events.TaskDelete) deletes.get(0).payload();
    assertEquals("x", taskDelete.getContainerId());
    assertEquals("", taskDelete.getId());
  }

  @Test
  void waitAndDeleteAnswerTheExitStatus() throws Exception {
    create("three");
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("three").build());
    start("three");
    assertFalse(exit.isDone());
    rig.runtime.exit("three", 3);
    WaitResponse waited = exit.get(5, TimeUnit.SECONDS);
    assertEquals(3, waited.getExitStatus());
    assertEquals(Status.STOPPED, status("three", ""));
    DeleteResponse deleted = delete("three");
    assertEquals(3, deleted.getExitStatus());
    assertEquals(waited.getExitedAt(), deleted.getExitedAt());
    assertEquals(List.of("/tasks/create", "/tasks/start", "/tasks/exit", "/tasks/delete"), taskTopics());
  }

  @Test
  void aCreatedTaskCanBeDeletedWithoutEverStarting() throws Exception {
    create("never");
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("never").build());
    assertEquals(137, delete("never").getExitStatus());
    assertEquals(137, exit.get(5, TimeUnit.SECONDS).getExitStatus());
    create("again");
  }

  @Test
  void requestsNeedingWhatTheProcessLacksFailThePrecondition() {
    create("plain");
    start("plain");
    fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.resizePty(ResizePtyRequest.newBuilder().setContainerId("plain")
        .setWidth(80).setHeight(24).build()));
    fails(io.grpc.Status.Code.INVALID_ARGUMENT, () -> rig.tasksApi.update(UpdateTaskRequest.newBuilder().setContainerId("plain").build()));
    fails(io.grpc.Status.Code.INVALID_ARGUMENT, () -> rig.tasksApi.update(UpdateTaskRequest.newBuilder().setContainerId("plain")
        .setResources(Any.newBuilder().setValue(ByteString.copyFromUtf8("[1]"))).build()));
  }

  @Test
  void aHungRuntimeCallHoldsUpNoOtherRequest() throws Exception {
    create("stuck");
    create("other");
    start("other");
    var gate = rig.runtime.holdNextStart();
    // a thread of its own: in-process calls run on the caller's
    CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> start("stuck"));
    try {
      while (!status("stuck", "").equals(Status.CREATED) || !rig.runtime.startHeld()) {
        Thread.sleep(1);
      }
      var quick = rig.tasksApi.withDeadlineAfter(2, TimeUnit.SECONDS);
      assertEquals(2, quick.list(containerd.services.tasks.v1.ListTasksRequest.getDefaultInstance()).getTasksCount());
      assertEquals(Status.CREATED, status("stuck", ""));
      assertEquals(Status.RUNNING, status("other", ""));
      assertEquals(2, quick.metrics(containerd.services.tasks.v1.MetricsRequest.getDefaultInstance()).getMetricsCount());
      quick.pause(PauseTaskRequest.newBuilder().setContainerId("other").build());
      fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> start("stuck"));
      fails(io.grpc.Status.Code.FAILED_PRECONDITION, () -> delete("stuck"));
      assertFalse(starting.isDone());
    } finally {
      gate.countDown();
    }
    starting.get(5, TimeUnit.SECONDS);
    assertEquals(Status.RUNNING, status("stuck", ""));
    assertTrue(rig.events.topics().contains("/tasks/paused"));
  }

  @Test
  void deleteAnswersFromTheExitHoldingNoThreadMeanwhile() throws Exception {
    create("slow");
    rig.runtime.deleteLeavesProcess();
    // in-process calls run on the caller's thread: a Delete that waited would not return here
    ListenableFuture<DeleteResponse> deleted = rig.tasksAsync.delete(DeleteTaskRequest.newBuilder().setContainerId("slow").build());
    fails(io.grpc.Status.Code.NOT_FOUND, () -> rig.tasksApi.get(GetRequest.newBuilder().setContainerId("slow").build()));
    Thread.sleep(50);
    assertFalse(deleted.isDone());
    rig.runtime.exit("slow", 137);
    assertEquals(137, deleted.get(5, TimeUnit.SECONDS).getExitStatus());
  }

  @Test
  void anExitDuringStartIsAnnouncedAfterTheStart() throws Exception {
    create("brief");
    var gate = rig.runtime.holdNextStart();
    CompletableFuture<Void> starting = CompletableFuture.runAsync(() -> start("brief"));
    while (!rig.runtime.startHeld()) {
      Thread.sleep(1);
    }
    rig.runtime.exit("brief", 0);
    assertEquals(0, rig.tasksApi.wait(WaitRequest.newBuilder().setContainerId("brief").build()).getExitStatus());
    gate.countDown();
    starting.get(5, TimeUnit.SECONDS);
    assertEquals(Status.STOPPED, status("brief", ""));
    assertEquals(List.of("/tasks/create", "/tasks/start", "/tasks/exit"), taskTopics());
  }
}
