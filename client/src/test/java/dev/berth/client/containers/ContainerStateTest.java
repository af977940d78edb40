package dev.berth.client.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.containers.v1.Container;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import dev.berth.api.labels.ContainerLabels;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
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
  void aContainerBetweenTheTasksOfARestartShowsTheEndedTasksExit() {
    Map<String, String> restarted = Map.of(ContainerLabels.RESTART_POLICY, "always",
        ContainerLabels.RESTART_STATUS, ContainerLabels.RUNNING, ContainerLabels.STARTED_AT, "2026-12-04T10:00:00Z",
        ContainerLabels.LAST_EXIT_CODE, "5", ContainerLabels.LAST_FINISHED_AT, "2026-12-04T10:00:02Z");
    for (Optional<Process> between : java.util.List.of(Optional.<Process>empty(), task(Status.CREATED, 0))) {
      ContainerState s = new ContainerState(record(restarted), between);
      assertEquals(5, s.exitCode());
      assertEquals(Optional.of(Instant.parse("2026-12-04T10:00:02Z")), s.finishedAt());
    }
    // once the new task runs, it is running as Docker shows it: no exit code
    assertEquals(0, new ContainerState(record(restarted), task(Status.RUNNING, 0)).exitCode());
    assertEquals(Optional.empty(), new ContainerState(record(restarted), task(Status.RUNNING, 0)).finishedAt());
  }

  @Test
  void aRestartIsCountedOnceDecidedOnAsDockerCountsIt() {
    Map<String, String> labels = new HashMap<>(Map.of(ContainerLabels.RESTART_POLICY, "on-failure:1",
        ContainerLabels.RESTART_STATUS, ContainerLabels.RUNNING, ContainerLabels.STARTED_AT, "2026-12-04T10:00:00Z"));
    // ended with 8, waiting out its back-off: the restart to come counts
    assertEquals(1, new ContainerState(record(labels), task(Status.STOPPED, 8)).restartCount());
    labels.put(ContainerLabels.RESTART_COUNT, "1");
    assertEquals(1, new ContainerState(record(labels), task(Status.RUNNING, 0)).restartCount());
    assertEquals(1, new ContainerState(record(labels), Optional.empty()).restartCount());
    // its retries used up, it stays exited
    assertEquals(1, new ContainerState(record(labels), task(Status.STOPPED, 8)).restartCount());
    labels.put(ContainerLabels.RESTART_STATUS, ContainerLabels.STOPPED);
    labels.put(ContainerLabels.RESTART_COUNT, "");
    assertEquals(0, new ContainerState(record(labels), task(Status.STOPPED, 8)).restartCount());
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

  @Test
  void aFailedStartAfterAnEndKeepsItExitedWithItsTimesAndDockersCode() {
    Map<String, String> failedAfterRun = Map.of(ContainerLabels.RESTART_STATUS, ContainerLabels.STOPPED,
        ContainerLabels.STARTED_AT, "2026-12-04T10:00:00Z", ContainerLabels.START_ERROR,
        "host port 0.0.0.0:9090/tcp is already published", ContainerLabels.LAST_EXIT_CODE, "0",
        ContainerLabels.LAST_FINISHED_AT, "2026-12-04T10:00:03.5Z");
    ContainerState s = new ContainerState(record(failedAfterRun), Optional.empty());
    assertEquals("exited", s.status());
    assertEquals(128, s.exitCode(), "Docker's exitUnknown where the earlier code was 0");
    assertEquals(Optional.of(Instant.parse("2026-12-04T10:00:00Z")), s.startedAt());
    assertEquals(Optional.of(Instant.parse("2026-12-04T10:00:03.5Z")), s.finishedAt());

    Map<String, String> earlierCode = new HashMap<>(failedAfterRun);
    earlierCode.put(ContainerLabels.LAST_EXIT_CODE, "3");
    assertEquals(3, new ContainerState(record(earlierCode), Optional.empty()).exitCode(), "kept when not 0");

    ContainerState neverRan = new ContainerState(record(Map.of(ContainerLabels.START_ERROR, "no port")),
        Optional.empty());
    assertEquals("created", neverRan.status());
    assertEquals(128, neverRan.exitCode());
    assertEquals(Optional.empty(), neverRan.finishedAt());
    ContainerState notFound = new ContainerState(record(Map.of(ContainerLabels.START_ERROR,
        "exec: \"nope\": executable file not found in $PATH")), Optional.empty());
    assertEquals(127, notFound.exitCode());
  }

  @Test
  void aFailedRestartByTheMonitorShowsTheExitOfTheRunThatEndedAsDockers() {
    Map<String, String> failedRestart = new HashMap<>(Map.of(ContainerLabels.RESTART_POLICY, "always",
        ContainerLabels.RESTART_STATUS, ContainerLabels.RESTART_FAILED, ContainerLabels.RESTART_COUNT, "1",
        ContainerLabels.STARTED_AT, "2026-12-04T10:00:00Z",
        ContainerLabels.START_ERROR, "failed to join PID namespace: container d0 is not running",
        ContainerLabels.LAST_EXIT_CODE, "0", ContainerLabels.LAST_FINISHED_AT, "2026-12-04T10:00:01Z"));
    ContainerState s = new ContainerState(record(failedRestart), Optional.empty());
    assertEquals("exited", s.status());
    assertFalse(s.restarting());
    assertEquals(0, s.exitCode(), "not Docker's 128 for a start that never ran");
    assertEquals(1, s.restartCount());
    failedRestart.put(ContainerLabels.START_ERROR,
        "exec: \"nope\": executable file not found in $PATH");
    failedRestart.put(ContainerLabels.LAST_EXIT_CODE, "3");
    assertEquals(3, new ContainerState(record(failedRestart), Optional.empty()).exitCode(), "not 127");
    // as this berthd marks it: meant to run, with the monitor's mark beside
    failedRestart.put(ContainerLabels.RESTART_STATUS, ContainerLabels.RUNNING);
    failedRestart.put(ContainerLabels.RESTART_FAILED_MARK, ContainerLabels.TRUE);
    ContainerState marked = new ContainerState(record(failedRestart), Optional.empty());
    assertEquals(List.of("exited", false, 3), List.of(marked.status(), marked.restarting(), marked.exitCode()));
  }
}
