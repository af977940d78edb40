package dev.berth.tasks;

import dev.berth.tasks.testing.HostLeftovers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.ListenableFuture;
import containerd.runc.v1.ProcessDetails;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteProcessRequest;
import containerd.services.tasks.v1.DeleteResponse;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.ExecProcessRequest;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.ListPidsRequest;
import containerd.services.tasks.v1.ListPidsResponse;
import containerd.services.tasks.v1.MetricsRequest;
import containerd.services.tasks.v1.MetricsResponse;
import containerd.services.tasks.v1.PauseTaskRequest;
import containerd.services.tasks.v1.ResumeTaskRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.UpdateTaskRequest;
import containerd.services.tasks.v1.WaitRequest;
import containerd.services.tasks.v1.WaitResponse;
import containerd.events.TaskExecAdded;
import containerd.events.TaskExecStarted;
import containerd.types.Metric;
import containerd.v1.types.Status;
import io.containerd.cgroups.v1.Metrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * One long-running container (sleep) worked through the Tasks API in order: processes, exec,
 * pause and resume, metrics, resource update, kill, and a delete that leaves nothing behind.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunningTaskKernelTest {
  TaskRig rig;
  int pid;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    rig = TaskRig.start(dir);
    ObjectNode spec = rig.spec("sleeper", "sleep", "1000");
    ObjectNode resources = (ObjectNode) spec.path("linux").path("resources");
    resources.putObject("pids").put("limit", 32);
    resources.putObject("memory").put("limit", 64L << 20);
    rig.createContainer("sleeper", spec);
    pid = rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("sleeper").addRootfs(rig.rootfsMount()).build()).getPid();
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("sleeper").build());
  }

  @AfterAll
  void stop() throws Exception {
    rig.close();
  }

  private Status status() {
    return rig.tasksApi.get(GetRequest.newBuilder().setContainerId("sleeper").build()).getProcess().getStatus();
  }

  @Test
  @Order(1)
  void runsAndListsItsProcessesWithLimitsInItsCgroups() throws Exception {
    assertEquals(Status.RUNNING, status());
    ListPidsResponse pids = rig.tasksApi.listPids(ListPidsRequest.newBuilder().setContainerId("sleeper").build());
    assertEquals(List.of(pid), pids.getProcessesList().stream().map(p -> p.getPid()).toList());
    Path pidsCgroup = Path.of("/sys/fs/cgroup/pids", rig.cgroupsPath("sleeper"));
    assertEquals("32", Files.readString(pidsCgroup.resolve("pids.max")).trim());
    Path memoryCgroup = Path.of("/sys/fs/cgroup/memory", rig.cgroupsPath("sleeper"));
    assertEquals(Long.toString(64L << 20), Files.readString(memoryCgroup.resolve("memory.limit_in_bytes")).trim());
  }

  @Test
  @Order(2)
  void execRunsInTheContainerWithItsOwnOutput() throws Exception {
    Path out = rig.fifo("exec-out");
    CompletableFuture<String> text = FifoReader.readAll(out);
    ObjectNode process = Specs.process("sh", "-c", "echo hi from $(hostname) pid1=$(cat /proc/1/comm)");
    rig.tasksApi.exec(ExecProcessRequest.newBuilder().setContainerId("sleeper").setExecId("e1")
        .setStdout(out.toString()).setSpec(Specs.any(Specs.PROCESS_TYPE, process)).build());
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("sleeper").setExecId("e1").build());
    int execPid = rig.tasksApi.start(StartRequest.newBuilder().setContainerId("sleeper").setExecId("e1").build()).getPid();
    assertTrue(execPid > 0);
    assertEquals(0, exit.get(20, TimeUnit.SECONDS).getExitStatus());
    assertEquals("hi from berth-test pid1=sleep\n", text.get(10, TimeUnit.SECONDS));
    DeleteResponse deleted = rig.tasksApi.deleteProcess(DeleteProcessRequest.newBuilder().setContainerId("sleeper").setExecId("e1").build());
    assertEquals(execPid, deleted.getPid());
    assertTrue(rig.events.topics().containsAll(List.of("/tasks/exec-added", "/tasks/exec-started")));
    // the command, which Docker's exec_create and exec_start events name
    List<String> args = List.of("sh", "-c", "echo hi from $(hostname) pid1=$(cat /proc/1/comm)");
    assertEquals(args, ((TaskExecAdded) rig.events.await("/tasks/exec-added", Duration.ZERO).orElseThrow().payload())
        .getArgsList());
    assertEquals(args, ((TaskExecStarted) rig.events.await("/tasks/exec-started", Duration.ZERO).orElseThrow()
        .payload()).getArgsList());
  }

  @Test
  @Order(3)
  void execProcessesAreNamedInTheProcessList() throws Exception {
    rig.tasksApi.exec(ExecProcessRequest.newBuilder().setContainerId("sleeper").setExecId("e2")
        .setSpec(Specs.any(Specs.PROCESS_TYPE, Specs.process("sleep", "1000"))).build());
    int execPid = rig.tasksApi.start(StartRequest.newBuilder().setContainerId("sleeper").setExecId("e2").build()).getPid();
    ListPidsResponse pids = rig.tasksApi.listPids(ListPidsRequest.newBuilder().setContainerId("sleeper").build());
    var exec = pids.getProcessesList().stream().filter(p -> p.getPid() == execPid).findFirst().orElseThrow();
    assertEquals("containerd.runc.v1.ProcessDetails", exec.getInfo().getTypeUrl());
    assertEquals("e2", ProcessDetails.parseFrom(exec.getInfo().getValue()).getExecId());
    rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("sleeper").setExecId("e2").setSignal(9).build());
    assertEquals(137, rig.tasksApi.wait(WaitRequest.newBuilder().setContainerId("sleeper").setExecId("e2").build()).getExitStatus());
    rig.tasksApi.deleteProcess(DeleteProcessRequest.newBuilder().setContainerId("sleeper").setExecId("e2").build());
  }

  @Test
  @Order(4)
  void pausesAndResumesThroughTheFreezer() throws Exception {
    rig.tasksApi.pause(PauseTaskRequest.newBuilder().setContainerId("sleeper").build());
    assertEquals(Status.PAUSED, status());
    Path freezer = Path.of("/sys/fs/cgroup/freezer", rig.cgroupsPath("sleeper"), "freezer.state");
    assertEquals("FROZEN", Files.readString(freezer).trim());
    rig.tasksApi.resume(ResumeTaskRequest.newBuilder().setContainerId("sleeper").build());
    assertEquals(Status.RUNNING, status());
    assertEquals("THAWED", Files.readString(freezer).trim());
    assertTrue(rig.events.topics().containsAll(List.of("/tasks/paused", "/tasks/resumed")));
  }

  @Test
  @Order(5)
  void reportsCgroupMetrics() throws Exception {
    MetricsResponse metrics = rig.tasksApi.metrics(MetricsRequest.newBuilder().addFilters("id==sleeper").build());
    assertEquals(1, metrics.getMetricsCount());
    Metric metric = metrics.getMetrics(0);
    assertEquals("io.containerd.cgroups.v1.Metrics", metric.getData().getTypeUrl());
    Metrics m = Metrics.parseFrom(metric.getData().getValue());
    assertTrue(m.getMemory().getUsage().getUsage() > 0, "memory usage");
    assertEquals(64L << 20, m.getMemory().getUsage().getLimit());
    assertEquals(1, m.getPids().getCurrent(), () -> "processes: " + rig.tasksApi.listPids(
        ListPidsRequest.newBuilder().setContainerId("sleeper").build()));
    assertEquals(32, m.getPids().getLimit());
    assertTrue(m.getCpu().getUsage().getTotal() > 0, "cpu usage");
  }

  @Test
  @Order(6)
  void updatesResourcesOfTheRunningTask() throws Exception {
    ObjectNode resources = Specs.JSON.createObjectNode();
    resources.putObject("pids").put("limit", 64);
    rig.tasksApi.update(UpdateTaskRequest.newBuilder().setContainerId("sleeper")
        .setResources(Specs.any("types.containerd.io/opencontainers/runtime-spec/1/LinuxResources", resources)).build());
    assertEquals("64", Files.readString(Path.of("/sys/fs/cgroup/pids", rig.cgroupsPath("sleeper"), "pids.max")).trim());
  }

  @Test
  @Order(7)
  void killEndsItWith137AndDeleteLeavesNothing() throws Exception {
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("sleeper").build());
    rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("sleeper").setSignal(9).build());
    WaitResponse w = exit.get(20, TimeUnit.SECONDS);
    assertEquals(137, w.getExitStatus());
    assertTrue(w.getExitedAt().getSeconds() > 0);
    assertEquals(Status.STOPPED, status());
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("sleeper").build());
    assertTrue(Files.notExists(rig.state.resolve("tasks/default/sleeper")));
    assertEquals(List.of(), HostLeftovers.mountsUnder(rig.state));
    assertEquals(List.of(), HostLeftovers.conmonsUnder(rig.state));
    for (Path controller : HostLeftovers.cgroupMounts()) {
      assertFalse(Files.exists(controller.resolve(rig.cgroupParent).resolve("sleeper")), "cgroup left in " + controller);
    }
    assertEquals(List.of(), Files.list(rig.state.resolve("s")).toList());
  }
}
