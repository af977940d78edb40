package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.TasksGrpc;
import dev.berth.api.grpc.Channels;
import dev.berth.client.BerthClient;
import dev.berth.client.images.ImportOptions;
import dev.berth.client.testing.TestImages;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.ContainerConfig;
import runtime.v1.ContainerMetadata;
import runtime.v1.ContainerState;
import runtime.v1.ContainerStatus;
import runtime.v1.ContainerStatusRequest;
import runtime.v1.CreateContainerRequest;
import runtime.v1.ImageSpec;
import runtime.v1.ListContainersRequest;
import runtime.v1.ListPodSandboxRequest;
import runtime.v1.PodSandboxConfig;
import runtime.v1.PodSandboxMetadata;
import runtime.v1.PodSandboxState;
import runtime.v1.PodSandboxStatusRequest;
import runtime.v1.RemovePodSandboxRequest;
import runtime.v1.ReopenContainerLogRequest;
import runtime.v1.RunPodSandboxRequest;
import runtime.v1.RuntimeServiceGrpc;
import runtime.v1.StartContainerRequest;

/**
 * A pod and its containers outlive a berthd restart: the sandbox stays ready with its network,
 * pinned namespaces and the process holding its PID namespace, a running container runs on under
 * its monitor (which still reopens its log after a rotation), an ended one keeps its exit code and
 * log, and the pod takes new containers that join the same namespaces.
 */
class CriPodsSurviveRestartTest {
  @TempDir Path dir;
  private TestNetns hostNetns;
  /** The pod's PID namespace holder, which a failing test would leave running. */
  private long holder = -1;

  @BeforeEach
  void isolateNetwork() throws Exception {
    assumeTrue(TestImages.busyboxAvailable(), "needs Debian's busybox-static");
    hostNetns = TestNetns.create("berth-cri");
  }

  @AfterEach
  void removeNetwork() throws Exception {
    if (holder > 0) {
      ProcessHandle.of(holder).filter(p -> p.info().command().orElse("").endsWith("perl"))
          .ifPresent(ProcessHandle::destroyForcibly);
    }
    if (hostNetns != null) {
      hostNetns.close();
    }
  }

  /** Runs {@code calls} against a berthd on {@code config}, stopped afterwards. */
  private static <T> T withBerthd(DaemonConfig config, Function<RuntimeServiceGrpc.RuntimeServiceBlockingStub, T> calls)
      throws Exception {
    try (Berthd daemon = Berthd.startAll(config)) {
      ManagedChannel channel = Channels.unix(config.socket(ServiceGroups.CRI));
      try {
        return calls.apply(RuntimeServiceGrpc.newBlockingStub(channel));
      } finally {
        channel.shutdownNow();
      }
    }
  }

  private static ContainerConfig busybox(String name, String script) {
    return ContainerConfig.newBuilder().setMetadata(ContainerMetadata.newBuilder().setName(name))
        .setImage(ImageSpec.newBuilder().setImage("busybox")).addAllCommand(List.of("sh", "-c", script))
        .setLogPath(name + ".log").build();
  }

  private static String run(RuntimeServiceGrpc.RuntimeServiceBlockingStub cri, String pod, PodSandboxConfig podConfig,
      ContainerConfig config) {
    String id = cri.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod).setConfig(config)
        .setSandboxConfig(podConfig).build()).getContainerId();
    cri.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    return id;
  }

  private static ContainerStatus awaitExit(RuntimeServiceGrpc.RuntimeServiceBlockingStub cri, String id) {
    Instant deadline = Instant.now().plusSeconds(20);
    ContainerStatus s = cri.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    while (s.getState() != ContainerState.CONTAINER_EXITED && Instant.now().isBefore(deadline)) {
      LockSupport.parkNanos(50_000_000);
      s = cri.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build()).getStatus();
    }
    assertEquals(ContainerState.CONTAINER_EXITED, s.getState(), s.toString());
    return s;
  }

  private static void awaitTaskGone(DaemonConfig config, String id) {
    try (BerthClient k8s = BerthClient.connect(config.frontSocket(), "k8s.io")) {
      TasksGrpc.TasksBlockingStub tasks = TasksGrpc.newBlockingStub(k8s.channel());
      GetRequest get = GetRequest.newBuilder().setContainerId(id).build();
      Instant deadline = Instant.now().plusSeconds(10);
      while (Instant.now().isBefore(deadline)) {
        try {
          tasks.get(get);
          LockSupport.parkNanos(50_000_000);
        } catch (StatusRuntimeException e) {
          assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode());
          return;
        }
      }
      fail("the ended task of " + id + " is still there");
    }
  }

  @Test
  void podsAndContainersOutliveARestartWithTheirStateAndExitCodes() throws Exception {
    DaemonConfig config = new DaemonConfig(dir.resolve("root"), dir.resolve("s"), null, hostNetns.path());
    Path logs = dir.resolve("logs");
    PodSandboxConfig podConfig = PodSandboxConfig.newBuilder().setMetadata(PodSandboxMetadata.newBuilder()
        .setName("survivor").setNamespace("default").setUid(UUID.randomUUID().toString())).setHostname("survivor")
        .setLogDirectory(logs.toString()).build();
    List<String> ids = withBerthd(config, cri -> {
      try (BerthClient k8s = BerthClient.connect(config.frontSocket(), "k8s.io")) {
        k8s.images().importArchive(new ByteArrayInputStream(TestImages.busybox().ociArchive()),
            ImportOptions.defaults());
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      String pod = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(podConfig).build())
          .getPodSandboxId();
      String sleeper = run(cri, pod, podConfig, busybox("sleeper", "while true; do echo tick; sleep 0.1; done"));
      String quick = run(cri, pod, podConfig, busybox("quick", "echo bye; exit 3"));
      awaitExit(cri, quick);
      // its exit is kept on its record and its task deleted, as containerd's CRI does
      awaitTaskGone(config, quick);
      String endsLater = run(cri, pod, podConfig, busybox("ender", "sleep 2; exit 4"));
      return List.of(pod, sleeper, quick, endsLater);
    });
    String pod = ids.get(0);
    String sleeper = ids.get(1);
    String quick = ids.get(2);
    String ender = ids.get(3);
    // ender exits while berthd is down
    Thread.sleep(2500);
    // the process holding the pod's PID namespace (the CRI's default, POD) runs on without berthd
    holder = Long.parseLong(Files.readString(dir.resolve("s/cri/pods").resolve(pod).resolve("pid-holder"))
        .split(" ")[0]);
    String pidNamespace = Files.readSymbolicLink(Path.of("/proc", Long.toString(holder), "ns", "pid")).toString();

    withBerthd(config, cri -> {
      assertEquals(PodSandboxState.SANDBOX_READY, cri.podSandboxStatus(PodSandboxStatusRequest.newBuilder()
          .setPodSandboxId(pod).build()).getStatus().getState());
      assertEquals(1, cri.listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsCount());
      ContainerStatus running = cri.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(sleeper)
          .build()).getStatus();
      assertEquals(ContainerState.CONTAINER_RUNNING, running.getState(), running.toString());
      assertTrue(running.getStartedAt() > 0);
      ContainerStatus ended = cri.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(quick).build())
          .getStatus();
      assertEquals(ContainerState.CONTAINER_EXITED, ended.getState());
      assertEquals(3, ended.getExitCode());
      assertEquals("Error", ended.getReason());
      assertTrue(ended.getFinishedAt() >= ended.getStartedAt() && ended.getStartedAt() > 0, ended.toString());
      ContainerStatus unheard = awaitExit(cri, ender);
      assertEquals(4, unheard.getExitCode(), unheard.toString());
      assertTrue(unheard.getFinishedAt() >= unheard.getStartedAt() && unheard.getStartedAt() > 0, unheard.toString());
      // the exit berthd did not hear of is kept by the sweep at its start
      awaitTaskGone(config, ender);
      assertEquals(unheard, cri.containerStatus(ContainerStatusRequest.newBuilder().setContainerId(ender).build())
          .getStatus());
      assertEquals(3, cri.listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount());

      // the running container's monitor still takes orders: a rotated log is reopened
      try {
        Files.move(logs.resolve("sleeper.log"), logs.resolve("sleeper.log.1"));
        cri.reopenContainerLog(ReopenContainerLogRequest.newBuilder().setContainerId(sleeper).build());
        Instant deadline = Instant.now().plusSeconds(10);
        while (!Files.exists(logs.resolve("sleeper.log")) && Instant.now().isBefore(deadline)) {
          LockSupport.parkNanos(50_000_000);
        }
        LockSupport.parkNanos(300_000_000);
        assertTrue(Files.readString(logs.resolve("sleeper.log")).contains(" stdout F tick\n"), "the new log is written");
        assertTrue(Files.readString(logs.resolve("sleeper.log.1")).contains(" stdout F tick\n"));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      assertEquals(Status.Code.FAILED_PRECONDITION, assertThrows(
          StatusRuntimeException.class, () -> cri.reopenContainerLog(ReopenContainerLogRequest.newBuilder()
              .setContainerId(quick).build())).getStatus().getCode());

      // the pod still takes containers, in the same hostname (its pinned UTS namespace) and PID namespace
      String late = run(cri, pod, podConfig, busybox("late", "readlink /proc/self/ns/pid; hostname"));
      assertEquals(0, awaitExit(cri, late).getExitCode());
      try {
        String logged = Files.readString(logs.resolve("late.log"), StandardCharsets.UTF_8);
        assertTrue(logged.contains(" stdout F " + pidNamespace + "\n"), "the holder's namespace: " + logged);
        assertTrue(logged.endsWith(" stdout F survivor\n"), logged);
        assertTrue(Files.readString(logs.resolve("quick.log")).endsWith(" stdout F bye\n"));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
      assertEquals(0, cri.listContainers(ListContainersRequest.getDefaultInstance()).getContainersCount());
      return null;
    });
    String mounts = Files.readString(Path.of("/proc/self/mountinfo"));
    assertFalse(mounts.contains(pod), "no pinned namespace is left mounted");
    assertFalse(mounts.contains(sleeper), "no rootfs is left mounted");
    assertTrue(ProcessHandle.of(holder).isEmpty(), "the PID namespace's holder is killed");
    assertFalse(Files.exists(dir.resolve("s/cri/pods").resolve(pod)), "the pod's directory is removed");
  }
}
