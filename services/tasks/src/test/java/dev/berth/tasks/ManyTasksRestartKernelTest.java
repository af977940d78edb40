package dev.berth.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.ListTasksRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A restarted manager recovers its tasks on several threads while it already answers: the first
 * calls right after it opens see every task in the state it is really in, with the exit status
 * of each one that ended while no manager was there.
 */
class ManyTasksRestartKernelTest {
  private static final int TASKS = 12;

  @RegisterExtension
  final TaskRig rig = TaskRig.perTest();

  private static String id(int i) {
    return String.format("t%02d", i);
  }

  /** Even tasks end while the manager is down, each with a status of its own; odd ones run on. */
  private static boolean endsWhileDown(int i) {
    return i % 2 == 0;
  }

  @Test
  void everyTaskIsFoundWithItsExitAfterARestart() throws Exception {
    for (int i = 0; i < TASKS; i++) {
      String id = id(i);
      String script = endsWhileDown(i) ? "sleep 0.5; exit " + (10 + i) : "sleep 1000";
      rig.createContainer(id, rig.spec(id, "sh", "-c", script));
      rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId(id).addRootfs(rig.rootfsMount()).build());
      rig.tasksApi.start(StartRequest.newBuilder().setContainerId(id).build());
    }

    rig.shutdown();
    Thread.sleep(1200);
    rig.reopen();

    Process single = rig.tasksApi.get(GetRequest.newBuilder().setContainerId(id(TASKS - 2)).build()).getProcess();
    assertEquals(Status.STOPPED, single.getStatus());
    assertEquals(10 + TASKS - 2, single.getExitStatus());
    Map<String, Process> listed = rig.tasksApi.list(ListTasksRequest.getDefaultInstance()).getTasksList().stream()
        .collect(Collectors.toMap(Process::getContainerId, Function.identity()));
    assertEquals(IntStream.range(0, TASKS).mapToObj(ManyTasksRestartKernelTest::id).sorted().toList(),
        listed.keySet().stream().sorted().toList());
    for (int i = 0; i < TASKS; i++) {
      Process p = listed.get(id(i));
      if (endsWhileDown(i)) {
        assertEquals(List.of(Status.STOPPED, 10 + i), List.of(p.getStatus(), p.getExitStatus()), id(i));
      } else {
        assertEquals(Status.RUNNING, p.getStatus(), id(i));
      }
    }
  }
}
