package dev.berth.tasks;

import dev.berth.tasks.testing.HostLeftovers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.CreateContainerRequest;
import containerd.services.tasks.v1.CheckpointTaskRequest;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.ExecProcessRequest;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.PauseTaskRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.WaitRequest;
import containerd.events.TaskExit;
import containerd.types.Mount;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.labels.ContainerLabels;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.function.Executable;

/** Bad requests get containerd's status and leave nothing behind: no bundle, mount, monitor or runtime state. */
class TaskErrorsKernelTest {
  @RegisterExtension
  final TaskRig rig = TaskRig.perTest();

  private static StatusRuntimeException fails(Status.Code code, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    return e;
  }

  private CreateTaskRequest create(String id) {
    return CreateTaskRequest.newBuilder().setContainerId(id).addRootfs(rig.rootfsMount()).build();
  }

  private void assertNothingLeft() throws Exception {
    assertEquals(List.of(), HostLeftovers.mountsUnder(rig.state));
    assertEquals(List.of(), HostLeftovers.conmonsUnder(rig.state));
    Path tasks = rig.state.resolve("tasks/default");
    assertTrue(Files.notExists(tasks) || Files.list(tasks).findAny().isEmpty(), "no bundle left");
    Path runc = rig.state.resolve("runc/default");
    assertTrue(Files.notExists(runc) || Files.list(runc).findAny().isEmpty(), "no runtime state left");
  }

  @Test
  void unknownContainerIsNotFound() throws Exception {
    fails(Status.Code.NOT_FOUND, () -> rig.tasksApi.create(create("nosuch")));
    fails(Status.Code.NOT_FOUND, () -> rig.tasksApi.get(GetRequest.newBuilder().setContainerId("nosuch").build()));
    fails(Status.Code.NOT_FOUND, () -> rig.tasksApi.wait(WaitRequest.newBuilder().setContainerId("nosuch").build()));
    fails(Status.Code.NOT_FOUND, () -> rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("nosuch").build()));
  }

  @Test
  void taskLifecycleMisuseGetsContainerdsCodes() throws Exception {
    rig.createContainer("c1", rig.spec("c1", "sleep", "1000"));
    rig.tasksApi.create(create("c1"));
    fails(Status.Code.ALREADY_EXISTS, () -> rig.tasksApi.create(create("c1")));
    fails(Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.exec(ExecProcessRequest.newBuilder().setContainerId("c1")
        .setExecId("early").setSpec(Specs.any(Specs.PROCESS_TYPE, Specs.process("true"))).build()));
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("c1").build());
    fails(Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.start(StartRequest.newBuilder().setContainerId("c1").build()));
    fails(Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("c1").build()));

    ExecProcessRequest exec = ExecProcessRequest.newBuilder().setContainerId("c1").setExecId("e1")
        .setSpec(Specs.any(Specs.PROCESS_TYPE, Specs.process("true"))).build();
    rig.tasksApi.exec(exec);
    fails(Status.Code.ALREADY_EXISTS, () -> rig.tasksApi.exec(exec));
    fails(Status.Code.INVALID_ARGUMENT, () -> rig.tasksApi.exec(exec.toBuilder().setExecId("Bad ID!").build()));
    fails(Status.Code.NOT_FOUND, () -> rig.tasksApi.start(StartRequest.newBuilder().setContainerId("c1").setExecId("nosuch").build()));
    fails(Status.Code.UNIMPLEMENTED, () -> rig.tasksApi.checkpoint(CheckpointTaskRequest.newBuilder().setContainerId("c1").build()));

    rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("c1").setSignal(9).build());
    assertEquals(137, rig.tasksApi.wait(WaitRequest.newBuilder().setContainerId("c1").build()).getExitStatus());
    fails(Status.Code.NOT_FOUND, () -> rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("c1").setSignal(9).build()));
    fails(Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.pause(PauseTaskRequest.newBuilder().setContainerId("c1").build()));
    fails(Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.start(StartRequest.newBuilder().setContainerId("c1").setExecId("e1").build()));
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("c1").build());
    fails(Status.Code.NOT_FOUND, () -> rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("c1").build()));
    assertNothingLeft();
  }

  @Test
  void invalidSpecJsonIsInvalidArgument() throws Exception {
    rig.containersApi.create(CreateContainerRequest.newBuilder().setContainer(Container.newBuilder().setId("badspec")
        .setRuntime(Container.Runtime.newBuilder().setName("io.containerd.runc.v2"))
        .setSpec(Any.newBuilder().setTypeUrl(Specs.SPEC_TYPE).setValue(ByteString.copyFromUtf8("{not json")))).build());
    fails(Status.Code.INVALID_ARGUMENT, () -> rig.tasksApi.create(create("badspec")));
    assertNothingLeft();
  }

  @Test
  void unknownRuntimeIsNotFound() throws Exception {
    rig.containersApi.create(CreateContainerRequest.newBuilder().setContainer(Container.newBuilder().setId("otherrt")
        .setRuntime(Container.Runtime.newBuilder().setName("io.containerd.nosuch.v1"))
        .setSpec(Specs.any(Specs.SPEC_TYPE, rig.spec("otherrt", "true")))).build());
    StatusRuntimeException e = fails(Status.Code.NOT_FOUND, () -> rig.tasksApi.create(create("otherrt")));
    assertTrue(e.getStatus().getDescription().contains("io.containerd.nosuch.v1"));
    assertNothingLeft();
  }

  @Test
  void commandMissingFromTheImageFailsCreateWithTheRuntimesMessage() throws Exception {
    rig.createContainer("nocmd", rig.spec("nocmd", "no-such-command"));
    StatusRuntimeException e = fails(Status.Code.UNKNOWN, () -> rig.tasksApi.create(create("nocmd")));
    assertTrue(e.getStatus().getDescription().contains("no-such-command"), e.getStatus().getDescription());
    assertNothingLeft();
    for (Path controller : HostLeftovers.cgroupMounts()) {
      assertTrue(Files.notExists(controller.resolve(rig.cgroupParent).resolve("nocmd")), "cgroup left in " + controller);
    }
  }

  @Test
  void rootfsMountThatFailsLeavesNothing() throws Exception {
    rig.createContainer("nomount", rig.spec("nomount", "true"));
    fails(Status.Code.UNKNOWN, () -> rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("nomount")
        .addRootfs(Mount.newBuilder().setType("bind").setSource(rig.dir.resolve("absent").toString()).addOptions("rbind")).build()));
    fails(Status.Code.INVALID_ARGUMENT, () -> rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("nomount")
        .addRootfs(Mount.newBuilder().setType("nfs").setSource("server:/x")).build()));
    assertNothingLeft();
  }

  @Test
  void aJoinerRefusedAfterTheRuntimesCreateLeavesNoExitEvent() throws Exception {
    rig.createContainer("donor", rig.spec("donor", "sleep", "1000"));
    rig.tasksApi.create(create("donor"));
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("donor").build());
    int donorPid = rig.tasksApi.get(GetRequest.newBuilder().setContainerId("donor").build()).getProcess().getPid();
    try {
      // a hook during the joiner's create moves the donor's process out of its cgroup, so the
      // check after the create refuses the joiner, whose process the runtime then made
      ObjectNode spec = rig.spec("guest", "sleep", "1000");
      spec.putObject("hooks").putArray("createRuntime").addObject().put("path", "/bin/sh").putArray("args")
          .add("sh").add("-c").add("echo " + donorPid + " > /sys/fs/cgroup/pids/cgroup.procs");
      rig.createContainer("guest", spec, Map.of(ContainerLabels.PID, ContainerLabels.JOINED_CONTAINER_PREFIX + "donor"));
      StatusRuntimeException e = fails(Status.Code.FAILED_PRECONDITION, () -> rig.tasksApi.create(create("guest")));
      assertEquals("failed to join PID namespace: container donor is not running", e.getStatus().getDescription());
      // a task that was never created has no exit: one would set off a restart monitor
      Thread.sleep(500);
      List<String> exits = rig.events.all().stream().filter(ev -> ev.topic().equals("/tasks/exit"))
          .map(ev -> ((TaskExit) ev.payload()).getContainerId()).toList();
      assertEquals(List.of(), exits);
    } finally {
      rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("donor").setSignal(9).build());
      rig.tasksApi.wait(WaitRequest.newBuilder().setContainerId("donor").build());
      rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("donor").build());
    }
    assertNothingLeft();
  }
}
