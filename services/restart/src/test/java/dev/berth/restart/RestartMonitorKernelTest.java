package dev.berth.restart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.FieldMask;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.UpdateContainerRequest;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.v1.types.Status;
import dev.berth.api.labels.ContainerLabels;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Restart policies carried out on real containers (runc under conmon) through the real APIs.
 * Each test starts its containers' first tasks as a client would, then the monitor, whose
 * start-up sweep would otherwise race the client's own task creation.
 */
class RestartMonitorKernelTest {
  static final Duration WAIT = Duration.ofSeconds(15);
  @TempDir
  Path dir;
  RestartRig rig;

  @BeforeEach
  void start() throws Exception {
    rig = new RestartRig(dir);
  }

  @AfterEach
  void stop() throws Exception {
    rig.close();
  }

  static Map<String, String> labels(String policy, String status) {
    return Map.of(ContainerLabels.RESTART_POLICY, policy, ContainerLabels.RESTART_STATUS, status);
  }

  boolean stopped(String id) {
    return rig.task(id).map(p -> p.getStatus() == Status.STOPPED).orElse(false);
  }

  boolean running(String id) {
    return rig.task(id).map(p -> p.getStatus() == Status.RUNNING).orElse(false);
  }

  void setStatus(String id, String status) {
    rig.containers.update(UpdateContainerRequest.newBuilder()
        .setContainer(Container.newBuilder().setId(id).putLabels(ContainerLabels.RESTART_STATUS, status))
        .setUpdateMask(FieldMask.newBuilder().addPaths("labels." + ContainerLabels.RESTART_STATUS)).build());
  }

  @Test
  void onFailureRestartsAFailingContainerAtMostNTimes() throws Exception {
    rig.container("failing", labels("on-failure:2", ContainerLabels.RUNNING), false, "exit 3");
    rig.container("tty", labels("on-failure:1", ContainerLabels.RUNNING), true, "exit 4");
    rig.container("fine", labels("on-failure", ContainerLabels.RUNNING), false, "exit 0");
    rig.startTask("failing", false);
    rig.startTask("tty", true);
    rig.startTask("fine", false);
    rig.monitor(rig.channel);

    RestartRig.await("two restarts of failing", WAIT,
        () -> "2".equals(rig.labels("failing").get(ContainerLabels.RESTART_COUNT)) && stopped("failing")
            && stopped("tty"));
    Thread.sleep(1500);
    assertEquals(3, rig.runs("failing"));
    assertEquals(3, rig.task("failing").orElseThrow().getExitStatus());
    assertEquals("2", rig.labels("failing").get(ContainerLabels.RESTART_COUNT));
    assertEquals(2, rig.runs("tty"), "a terminal container restarts with a terminal");
    assertEquals("1", rig.labels("tty").get(ContainerLabels.RESTART_COUNT));
    assertEquals(1, rig.runs("fine"));
    assertEquals(null, rig.labels("fine").get(ContainerLabels.RESTART_COUNT));
  }

  @Test
  void aRestartThatFailsIsTriedAgainAndCounts() throws Exception {
    rig.container("flaky", labels("on-failure:3", ContainerLabels.RUNNING), false, "exit 1");
    rig.startTask("flaky", false);
    rig.snapshotFailures.set(1);
    rig.monitor(rig.channel);

    RestartRig.await("three restart attempts", WAIT,
        () -> "3".equals(rig.labels("flaky").get(ContainerLabels.RESTART_COUNT)) && stopped("flaky"));
    Thread.sleep(1000);
    assertEquals(0, rig.snapshotFailures.get());
    assertEquals(3, rig.runs("flaky"), "the first restart failed, the second and third ran");
    assertEquals("3", rig.labels("flaky").get(ContainerLabels.RESTART_COUNT));
  }

  @Test
  void alwaysRestartsUntilTheUserStopsIt() throws Exception {
    rig.container("looper", labels("always", ContainerLabels.RUNNING), false, "exit 0");
    rig.startTask("looper", false);
    Instant beforeRestarts = Instant.now();
    rig.monitor(rig.channel);
    RestartRig.await("three runs", WAIT, () -> rig.runs("looper") >= 3);
    Instant startedAt = Instant.parse(rig.labels("looper").get(ContainerLabels.STARTED_AT));
    assertTrue(startedAt.isAfter(beforeRestarts), "the start time is the latest restart's: " + startedAt);
    RestartRig.await("another restart", WAIT,
        () -> Instant.parse(rig.labels("looper").get(ContainerLabels.STARTED_AT)).isAfter(startedAt));

    setStatus("looper", ContainerLabels.STOPPED);
    Thread.sleep(1500);
    int runs = rig.runs("looper");
    Thread.sleep(1500);
    assertEquals(runs, rig.runs("looper"), "no restart after the stop");
    assertTrue(stopped("looper"));
    assertEquals(Integer.toString(runs - 1), rig.labels("looper").get(ContainerLabels.RESTART_COUNT));
  }

  static Map<String, String> autoRemove(String policy, boolean started) {
    Map<String, String> labels = new HashMap<>(labels(policy, ContainerLabels.RUNNING));
    labels.put(ContainerLabels.AUTO_REMOVE, ContainerLabels.TRUE);
    if (started) {
      labels.put(ContainerLabels.STARTED_AT, Instant.now().toString());
    }
    return labels;
  }

  @Test
  void autoRemoveContainersAreRemovedOnceTheyEndedAndTheirPolicyDoesNotRestartThem() throws Exception {
    rig.container("oneshot", autoRemove("no", true), false, "exit 3");
    rig.startTask("oneshot", false);
    rig.container("retried", autoRemove("on-failure:1", true), false, "exit 1");
    rig.startTask("retried", false);
    rig.container("server", autoRemove("no", true), false, "sleep 1000");
    rig.startTask("server", false);
    rig.container("kept", labels("no", ContainerLabels.RUNNING), false, "exit 0");
    rig.startTask("kept", false);
    // as berthd finds them after a reboot: one ran before, one was never started
    rig.container("rebooted", autoRemove("no", true), false, "true");
    rig.container("fresh", autoRemove("no", false), false, "true");
    RestartRig.await("oneshot, retried and kept to end", WAIT,
        () -> stopped("oneshot") && stopped("retried") && stopped("kept"));

    rig.monitor(rig.channel);
    RestartRig.await("oneshot, retried and rebooted removed", WAIT,
        () -> !rig.exists("oneshot") && !rig.exists("retried") && !rig.exists("rebooted"));
    assertTrue(rig.task("oneshot").isEmpty());
    assertEquals(2, rig.runs("retried"), "removed only once its policy gave up");
    assertTrue(rig.task("retried").isEmpty());
    assertTrue(rig.removedSnapshots.containsAll(List.of("oneshot", "retried", "rebooted")), rig.removedSnapshots::toString);
    assertTrue(running("server"));
    assertTrue(stopped("kept"));
    assertTrue(rig.exists("fresh"), "a container that never ran is not removed");

    rig.kill("server");
    RestartRig.await("server removed", WAIT, () -> !rig.exists("server"));
    assertTrue(rig.task("server").isEmpty());
    assertEquals(4, rig.removedSnapshots.size(), rig.removedSnapshots::toString);
    assertTrue(rig.exists("kept") && rig.exists("fresh"));
  }

  @Test
  void aForegroundAutoRemoveContainerIsLeftToItsClientForAWhileThenRemoved() throws Exception {
    Map<String, String> attached = autoRemove("no", true);
    attached.put(ContainerLabels.AUTO_REMOVE, ContainerLabels.AUTO_REMOVE_ATTACHED);
    // its client went away before it ended: found once the grace has passed
    rig.container("orphaned", attached, false, "exit 0");
    rig.startTask("orphaned", false);
    RestartRig.await("orphaned to end", WAIT, () -> stopped("orphaned"));
    Thread.sleep(ContainerRestarter.ATTACHED_CLIENT_GRACE.toMillis() + 500);
    // it ends now: its client has the grace to take its exit status and output, and remove it
    rig.container("attached", attached, false, "exit 0");
    rig.startTask("attached", false);
    RestartRig.await("attached to end", WAIT, () -> stopped("attached"));

    rig.monitor(rig.channel);
    RestartRig.await("orphaned removed", WAIT, () -> !rig.exists("orphaned"));
    assertTrue(rig.exists("attached") && stopped("attached"), "left to the client within the grace");
  }

  @Test
  void atDaemonStartContainersComeBackAsDockerBringsThemBack() throws Exception {
    // set up while no monitor runs, as if berthd had been down
    rig.container("vanished", labels("always", ContainerLabels.RUNNING), false, "sleep 1000");
    rig.startTask("vanished", false);
    rig.kill("vanished");
    rig.tasks.delete(DeleteTaskRequest.newBuilder().setContainerId("vanished").build());
    rig.container("user-stopped", labels("always", ContainerLabels.STOPPED), false, "sleep 1000");
    rig.startTask("user-stopped", false);
    rig.kill("user-stopped");
    rig.container("held", labels("unless-stopped", ContainerLabels.STOPPED), false, "sleep 1000");
    rig.container("crashed", labels("on-failure:1", ContainerLabels.RUNNING), false, "exit 1");
    rig.startTask("crashed", false);
    rig.container("done", labels("on-failure", ContainerLabels.RUNNING), false, "exit 0");
    rig.startTask("done", false);
    RestartRig.await("crashed and done to end", WAIT, () -> stopped("crashed") && stopped("done"));

    rig.monitor(rig.channel);
    RestartRig.await("vanished and user-stopped running again", WAIT,
        () -> running("vanished") && running("user-stopped")
            && "1".equals(rig.labels("crashed").get(ContainerLabels.RESTART_COUNT)));
    RestartRig.await("crashed to end again", WAIT, () -> stopped("crashed"));
    Thread.sleep(500);
    assertEquals(2, rig.runs("vanished"));
    assertEquals(2, rig.runs("user-stopped"));
    assertEquals(ContainerLabels.RUNNING, rig.labels("user-stopped").get(ContainerLabels.RESTART_STATUS));
    assertEquals(2, rig.runs("crashed"));
    assertEquals(0, rig.runs("held"));
    assertTrue(rig.task("held").isEmpty());
    assertEquals(1, rig.runs("done"));
    assertTrue(stopped("done"));
  }

  /** Fails every call with UNAVAILABLE while {@code down}, as a berthd whose services are not yet served would. */
  static final class Outage implements ClientInterceptor {
    volatile boolean down = true;

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      if (!down) {
        return next.newCall(method, options);
      }
      return new ClientCall<>() {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          listener.onClose(io.grpc.Status.UNAVAILABLE.withDescription("not served yet"), new Metadata());
        }

        @Override
        public void request(int n) { }

        @Override
        public void cancel(String message, Throwable cause) { }

        @Override
        public void halfClose() { }

        @Override
        public void sendMessage(Q message) { }
      };
    }
  }

  @Test
  void aMonitorStartedBeforeTheApisAnswerKeepsTryingWithDaemonStartRules() throws Exception {
    rig.container("vanished", labels("always", ContainerLabels.RUNNING), false, "sleep 1000");
    rig.startTask("vanished", false);
    rig.kill("vanished");
    rig.tasks.delete(DeleteTaskRequest.newBuilder().setContainerId("vanished").build());
    Outage outage = new Outage();
    rig.monitor(ClientInterceptors.intercept(rig.channel, outage));
    Thread.sleep(1500);
    assertTrue(rig.task("vanished").isEmpty());

    outage.down = false;
    RestartRig.await("vanished running again", Duration.ofSeconds(5), () -> running("vanished"));
    rig.kill("vanished");
    // the third run is counted by its script, a moment after its task shows as running
    RestartRig.await("a restart on the exit event", Duration.ofSeconds(5),
        () -> running("vanished") && "2".equals(rig.labels("vanished").get(ContainerLabels.RESTART_COUNT))
            && rig.runs("vanished") >= 3);
    assertEquals(3, rig.runs("vanished"));
  }

  /** Cancels the Events subscriptions going through it, as a broken connection would end them. */
  static final class StreamBreaker implements ClientInterceptor {
    final List<ClientCall<?, ?>> subscriptions = new CopyOnWriteArrayList<>();

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      ClientCall<Q, R> call = next.newCall(method, options);
      if (method.getFullMethodName().endsWith("Events/Subscribe")) {
        subscriptions.add(call);
      }
      return call;
    }

    void breakAll() {
      subscriptions.forEach(c -> c.cancel("test breaks the stream", null));
    }
  }

  @Test
  void anExitMissedWhileTheEventStreamWasBrokenIsCaughtAfterResubscribing() throws Exception {
    StreamBreaker breaker = new StreamBreaker();
    rig.container("steady", labels("always", ContainerLabels.RUNNING), false, "sleep 1000");
    rig.startTask("steady", false);
    rig.monitor(ClientInterceptors.intercept(rig.channel, breaker));
    RestartRig.await("the subscription", WAIT, () -> breaker.subscriptions.size() == 1);
    Thread.sleep(300);

    breaker.breakAll();
    rig.kill("steady");
    // well before the periodic sweep, 10 s after the monitor's start
    // the old task reads as running until the signal lands, so wait for the second run's own mark
    RestartRig.await("steady running again", Duration.ofSeconds(5),
        () -> rig.runs("steady") == 2 && running("steady"));
    assertEquals(2, breaker.subscriptions.size());
  }
}
