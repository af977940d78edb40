package dev.berth.bench;

import dev.berth.api.grpc.Channels;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import runtime.v1.ContainerConfig;
import runtime.v1.ContainerMetadata;
import runtime.v1.CreateContainerRequest;
import runtime.v1.ImageSpec;
import runtime.v1.LinuxPodSandboxConfig;
import runtime.v1.LinuxContainerConfig;
import runtime.v1.LinuxContainerSecurityContext;
import runtime.v1.LinuxSandboxSecurityContext;
import runtime.v1.NamespaceMode;
import runtime.v1.NamespaceOption;
import runtime.v1.PodSandboxConfig;
import runtime.v1.PodSandboxMetadata;
import runtime.v1.RemoveContainerRequest;
import runtime.v1.RemovePodSandboxRequest;
import runtime.v1.RunPodSandboxRequest;
import runtime.v1.RuntimeServiceGrpc;
import runtime.v1.StartContainerRequest;
import runtime.v1.StopContainerRequest;
import runtime.v1.StopPodSandboxRequest;

/**
 * A pod's life through the CRI, as the kubelet drives it, against several runtimes taken in turns
 * so that each sees the same machine: RunPodSandbox, CreateContainer, StartContainer,
 * StopContainer, RemoveContainer, StopPodSandbox, RemovePodSandbox; medians per call and runtime.
 * The container's process ends on SIGTERM, so a stop measures the runtime, not a grace period.
 * {@code CriBench ROUNDS IMAGE LOG_DIR NAME=SOCKET...}; the first runtime is the one the ratios are of.
 */
public final class CriBench {
  private static final String[] OPERATIONS = {"RunPodSandbox", "CreateContainer", "StartContainer",
      "StopContainer", "RemoveContainer", "StopPodSandbox", "RemovePodSandbox"};
  private static final int WARMUP = 2;

  private CriBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = Integer.parseInt(args[0]);
    String image = args[1];
    Path logs = Path.of(args[2]);
    Map<String, RuntimeServiceGrpc.RuntimeServiceBlockingStub> runtimes = new LinkedHashMap<>();
    List<ManagedChannel> channels = new ArrayList<>();
    Map<String, Map<String, Samples>> samples = new LinkedHashMap<>();
    for (int i = 3; i < args.length; i++) {
      String[] nameAndSocket = args[i].split("=", 2);
      ManagedChannel channel = Channels.unix(Path.of(nameAndSocket[1]));
      channels.add(channel);
      runtimes.put(nameAndSocket[0], RuntimeServiceGrpc.newBlockingStub(channel));
      Map<String, Samples> byOperation = new LinkedHashMap<>();
      for (String op : OPERATIONS) {
        byOperation.put(op, new Samples(nameAndSocket[0] + " " + op));
      }
      samples.put(nameAndSocket[0], byOperation);
    }
    for (int r = 0; r < WARMUP + rounds; r++) {
      for (Map.Entry<String, RuntimeServiceGrpc.RuntimeServiceBlockingStub> runtime : runtimes.entrySet()) {
        long[] nanos = podLife(runtime.getValue(), image, logs.resolve(runtime.getKey()), r);
        if (r >= WARMUP) {
          for (int op = 0; op < OPERATIONS.length; op++) {
            samples.get(runtime.getKey()).get(OPERATIONS[op]).add(nanos[op]);
          }
        }
      }
    }
    channels.forEach(ManagedChannel::shutdownNow);
    String first = samples.keySet().iterator().next();
    System.out.printf("%-18s", "median ms");
    samples.keySet().forEach(name -> System.out.printf("%14s", name));
    samples.keySet().stream().skip(1).forEach(name -> System.out.printf("%22s", first + "/" + name));
    System.out.println();
    for (String op : OPERATIONS) {
      System.out.printf("%-18s", op);
      samples.values().forEach(s -> System.out.printf("%14.1f", s.get(op).median()));
      double mine = samples.get(first).get(op).median();
      samples.values().stream().skip(1).forEach(s -> System.out.printf("%21.2fx", mine / s.get(op).median()));
      System.out.println();
    }
  }

  /** One pod with one container from creation to removal; the nanoseconds of each call. */
  private static long[] podLife(RuntimeServiceGrpc.RuntimeServiceBlockingStub cri, String image, Path logs,
      int round) throws Exception {
    String uid = UUID.randomUUID().toString();
    Path logDir = Files.createDirectories(logs.resolve(uid));
    NamespaceOption namespaces = NamespaceOption.newBuilder().setNetwork(NamespaceMode.POD)
        .setPid(NamespaceMode.CONTAINER).setIpc(NamespaceMode.POD).build();
    PodSandboxConfig pod = PodSandboxConfig.newBuilder()
        .setMetadata(PodSandboxMetadata.newBuilder().setName("bench-" + round).setUid(uid).setNamespace("bench"))
        .setHostname("bench-" + round)
        .setLogDirectory(logDir.toString())
        .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
            .setNamespaceOptions(namespaces)))
        .build();
    // the kubelet gives each container the pod's namespace options
    ContainerConfig container = ContainerConfig.newBuilder()
        .setLinux(LinuxContainerConfig.newBuilder().setSecurityContext(LinuxContainerSecurityContext.newBuilder()
            .setNamespaceOptions(namespaces)))
        .setMetadata(ContainerMetadata.newBuilder().setName("main"))
        .setImage(ImageSpec.newBuilder().setImage(image))
        .addCommand("sh").addArgs("-c").addArgs("trap 'exit 0' TERM; sleep 1000 & wait")
        .setLogPath("main.log")
        .build();
    long[] nanos = new long[OPERATIONS.length];
    long t = System.nanoTime();
    String podId = cri.runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build()).getPodSandboxId();
    nanos[0] = lap(t);
    t = System.nanoTime();
    String id = cri.createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(podId)
        .setConfig(container).setSandboxConfig(pod).build()).getContainerId();
    nanos[1] = lap(t);
    t = System.nanoTime();
    cri.startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
    nanos[2] = lap(t);
    t = System.nanoTime();
    cri.stopContainer(StopContainerRequest.newBuilder().setContainerId(id).setTimeout(10).build());
    nanos[3] = lap(t);
    t = System.nanoTime();
    cri.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
    nanos[4] = lap(t);
    t = System.nanoTime();
    cri.stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    nanos[5] = lap(t);
    t = System.nanoTime();
    cri.removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(podId).build());
    nanos[6] = lap(t);
    return nanos;
  }

  private static long lap(long start) {
    return System.nanoTime() - start;
  }
}
