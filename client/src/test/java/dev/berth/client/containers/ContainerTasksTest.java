package dev.berth.client.containers;

import dev.berth.api.labels.ContainerLabels;
import static org.junit.jupiter.api.Assertions.assertEquals;

import containerd.services.containers.v1.Container;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Stop's order of signals and the label the restart monitor follows, against a fake Tasks
 * service; the task stop acts on is the one there after the label, not the one the caller saw.
 */
class ContainerTasksTest {
  private static final Container RECORD = Container.newBuilder().setId("c1").build();
  private static final ContainerState RUNNING = new ContainerState(RECORD,
      Optional.of(Process.newBuilder().setContainerId("c1").setStatus(Status.RUNNING).setPid(42).build()));

  private final FakeServices.Containers containers = new FakeServices.Containers();
  private InProcessBerth berth;

  private FakeServices.Tasks stop(boolean obeys, Duration timeout) throws Exception {
    return stop(RUNNING, obeys, timeout);
  }

  /** Stops the container seen as {@code seen}; berthd's task runs. */
  private FakeServices.Tasks stop(ContainerState seen, boolean obeys, Duration timeout) throws Exception {
    FakeServices.Tasks tasks = new FakeServices.Tasks(obeys);
    containers.byId.put(RECORD.getId(), RECORD);
    berth = InProcessBerth.serving(tasks, containers);
    new ContainerTasks(berth.channel()).stop(seen, timeout);
    return tasks;
  }

  @AfterEach
  void close() throws Exception {
    berth.close();
  }

  @Test
  void aProcessThatIgnoresTheStopSignalIsKilledAfterTheTimeout() throws Exception {
    assertEquals(List.of(Signals.SIGTERM, Signals.SIGKILL), stop(false, Duration.ofMillis(200)).signals);
    assertEquals(ContainerLabels.STOPPED, containers.byId.get("c1").getLabelsMap().get(ContainerLabels.RESTART_STATUS));
  }

  @Test
  void aProcessThatObeysIsNotKilled() throws Exception {
    assertEquals(List.of(Signals.SIGTERM), stop(true, Duration.ofSeconds(10)).signals);
  }

  @Test
  void aZeroTimeoutKillsAtOnce() throws Exception {
    assertEquals(List.of(Signals.SIGKILL), stop(true, Duration.ZERO).signals);
  }

  @Test
  void stoppingAContainerThatIsNotRunningChangesNothingAsDockers() throws Exception {
    Container failedRestart = RECORD.toBuilder().putLabels(ContainerLabels.RESTART_POLICY, "unless-stopped")
        .putLabels(ContainerLabels.RESTART_STATUS, ContainerLabels.RESTART_FAILED).build();
    containers.byId.put(RECORD.getId(), failedRestart);
    FakeServices.Tasks tasks = new FakeServices.Tasks(true);
    tasks.status = null;
    berth = InProcessBerth.serving(tasks, containers);
    new ContainerTasks(berth.channel()).stop(new ContainerState(failedRestart, Optional.empty()), Duration.ofSeconds(10));
    assertEquals(List.of(), tasks.signals);
    assertEquals(ContainerLabels.RESTART_FAILED,
        containers.byId.get("c1").getLabelsMap().get(ContainerLabels.RESTART_STATUS), "berthd's next start brings it back");
  }

  @Test
  void aFailedStartIsNotAStopByItsUserAsDockers() throws Exception {
    containers.byId.put(RECORD.getId(), RECORD);
    berth = InProcessBerth.serving(new FakeServices.Tasks(true), containers);
    new ContainerTasks(berth.channel()).markFailedStart(new ContainerState(RECORD, Optional.empty()),
        io.grpc.Status.FAILED_PRECONDITION.withDescription("no such file").asRuntimeException());
    assertEquals(ContainerLabels.START_FAILED,
        containers.byId.get("c1").getLabelsMap().get(ContainerLabels.RESTART_STATUS));
  }

  @Test
  void aTaskTheRestartMonitorStartedAfterTheProcessEndedIsStoppedToo() throws Exception {
    // seen ended, waiting for its restart
    ContainerState ended = new ContainerState(RECORD.toBuilder().putLabels(ContainerLabels.RESTART_POLICY, "always")
        .putLabels(ContainerLabels.RESTART_STATUS, ContainerLabels.RUNNING).build(),
        Optional.of(Process.newBuilder().setContainerId("c1").setStatus(Status.STOPPED).setExitStatus(2).build()));
    assertEquals(List.of(Signals.SIGTERM), stop(ended, true, Duration.ofSeconds(10)).signals);
    assertEquals(ContainerLabels.STOPPED, containers.byId.get("c1").getLabelsMap().get(ContainerLabels.RESTART_STATUS));
  }

}
