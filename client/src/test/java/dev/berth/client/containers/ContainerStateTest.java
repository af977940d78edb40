package dev.berth.client.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.containers.v1.Container;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import dev.berth.api.labels.ContainerLabels;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Docker's states of a container from its record and task, above all around a restart. */
class ContainerStateTest {
  private static Container record(Map<String, String> labels) {
    return Container.newBuilder().setId("c1").putAllLabels(labels).build();
  }

  private static Optional<Process> task(Status status, int exit) {
    return Optional.of(Process.newBuilder().setStatus(status).setExitStatus(exit).build());
  }

  @Test
  void aContainerBetweenTheTasksOfARestartIsRestartingNotCreated() {
    Map<String, String> restarted = Map.of(ContainerLabels.RESTART_POLICY, "always",
        ContainerLabels.RESTART_STATUS, ContainerLabels.RUNNING, ContainerLabels.STARTED_AT, "2026-12-04T10:00:00Z");
    for (Optional<Process> between : java.util.List.of(Optional.<Process>empty(), task(Status.CREATED, 0))) {
      ContainerState s = new ContainerState(record(restarted), between);
      assertEquals("restarting", s.status());
      assertTrue(s.restarting());
    }
    assertEquals("restarting", new ContainerState(record(restarted), task(Status.STOPPED, 2)).status());
    assertEquals("running", new ContainerState(record(restarted), task(Status.RUNNING, 0)).status());
  }

  @Test
  void aContainerThatNeverRanOrIsMeantToStayStoppedIsNotRestarting() {
    ContainerState fresh = new ContainerState(record(Map.of(ContainerLabels.RESTART_POLICY, "always",
        ContainerLabels.RESTART_STATUS, ContainerLabels.RUNNING)), Optional.empty());
    assertEquals("created", fresh.status());
    ContainerState stopped = new ContainerState(record(Map.of(ContainerLabels.RESTART_POLICY, "always",
        ContainerLabels.RESTART_STATUS, ContainerLabels.STOPPED, ContainerLabels.STARTED_AT, "2026-12-04T10:00:00Z")),
        Optional.empty());
    assertEquals("created", stopped.status());
    ContainerState noPolicy = new ContainerState(record(Map.of(ContainerLabels.RESTART_POLICY, "no",
        ContainerLabels.RESTART_STATUS, ContainerLabels.RUNNING, ContainerLabels.STARTED_AT, "2026-12-04T10:00:00Z")),
        task(Status.STOPPED, 0));
    assertEquals("exited", noPolicy.status());
    assertFalse(noPolicy.restarting());
  }
}
