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

  @Test
  void onlySigkillOrTheStopSignalCancelsTheRestartPolicyAsDockersKill() throws Exception {
    for (String policy : List.of("always", "on-failure", "unless-stopped")) {
      for (int signal : List.of(Signals.parse("HUP"), Signals.parse("QUIT"), Signals.SIGKILL)) {
        Container record = RECORD.toBuilder().putLabels(ContainerLabels.RESTART_POLICY, policy)
            .putLabels(ContainerLabels.RESTART_STATUS, ContainerLabels.RUNNING)
            .putExtensions(ContainerConfig.EXTENSION, com.google.protobuf.Any.newBuilder()
                .setTypeUrl(ContainerConfig.TYPE_URL).setValue(com.google.protobuf.ByteString.copyFromUtf8(
                    "{\"Config\":{\"StopSignal\":\"SIGQUIT\"},\"HostConfig\":{},\"Mounts\":[]}")).build())
            .build();
        containers.byId.put(RECORD.getId(), record);
        FakeServices.Tasks tasks = new FakeServices.Tasks(true);
        berth = InProcessBerth.serving(tasks, containers);
        new ContainerTasks(berth.channel()).kill(new ContainerState(record, RUNNING.task()), signal);
        assertEquals(List.of(signal), tasks.signals);
        // unless-stopped reads any kill as its user's stop (Docker's HasBeenManuallyStopped)
        String status = signal == Signals.parse("HUP") && !policy.equals("unless-stopped")
            ? ContainerLabels.RUNNING : ContainerLabels.STOPPED;
        assertEquals(status, containers.byId.get("c1").getLabelsMap().get(ContainerLabels.RESTART_STATUS),
            policy + " after signal " + signal);
        berth.close();
      }
    }
    // without a stop signal of its own, any signal cancels it
    containers.byId.put(RECORD.getId(), RECORD.toBuilder().putLabels(ContainerLabels.RESTART_POLICY, "always")
        .putLabels(ContainerLabels.RESTART_STATUS, ContainerLabels.RUNNING).build());
    berth = InProcessBerth.serving(new FakeServices.Tasks(true), containers);
    new ContainerTasks(berth.channel()).kill(new ContainerState(containers.byId.get("c1"), RUNNING.task()), Signals.parse("HUP"));
    assertEquals(ContainerLabels.STOPPED, containers.byId.get("c1").getLabelsMap().get(ContainerLabels.RESTART_STATUS));
  }
}
