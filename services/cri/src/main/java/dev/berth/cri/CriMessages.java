package dev.berth.cri;

import berth.network.v1.Attachment;
import dev.berth.api.grpc.ProtoTimes;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import runtime.v1.ContainerStats;
import runtime.v1.CpuUsage;
import runtime.v1.LinuxContainerResources;
import runtime.v1.LinuxPodSandboxStats;
import runtime.v1.MemoryUsage;
import runtime.v1.NetworkUsage;
import runtime.v1.PodSandboxAttributes;
import runtime.v1.PodSandboxStats;
import runtime.v1.ProcessUsage;
import runtime.v1.UInt64Value;
import runtime.v1.Container;
import runtime.v1.ContainerConfig;
import runtime.v1.ContainerResources;
import runtime.v1.ContainerStatus;
import runtime.v1.ImageSpec;
import runtime.v1.LinuxPodSandboxStatus;
import runtime.v1.Namespace;
import runtime.v1.PodSandbox;
import runtime.v1.PodSandboxConfig;
import runtime.v1.PodSandboxNetworkStatus;
import runtime.v1.PodSandboxState;
import runtime.v1.PodSandboxStatus;

/** The CRI's messages for pods and containers as {@link PodSandboxes} and {@link CriContainers} keep them. */
final class CriMessages {
  private CriMessages() {}

  static PodSandbox sandbox(PodSandboxes.Sandbox s) {
    PodSandboxConfig c = s.config();
    return PodSandbox.newBuilder().setId(s.id()).setMetadata(c.getMetadata()).setState(state(s))
        .setCreatedAt(nanos(ProtoTimes.toInstant(s.record().getCreatedAt())))
        .putAllLabels(c.getLabelsMap()).putAllAnnotations(c.getAnnotationsMap()).build();
  }

  static PodSandboxStatus sandboxStatus(PodSandboxes.Sandbox s, Optional<Attachment> network) {
    PodSandboxConfig c = s.config();
    PodSandboxStatus.Builder status = PodSandboxStatus.newBuilder().setId(s.id()).setMetadata(c.getMetadata())
        .setState(state(s)).setCreatedAt(nanos(ProtoTimes.toInstant(s.record().getCreatedAt())))
        .setLinux(LinuxPodSandboxStatus.newBuilder().setNamespaces(Namespace.newBuilder()
            .setOptions(s.namespaceOptions())))
        .putAllLabels(c.getLabelsMap()).putAllAnnotations(c.getAnnotationsMap());
    // always there, as containerd's: empty on a stopped pod and on one on the node's network, whose
    // address the kubelet knows itself
    String ip = network.filter(a -> !s.hostNetwork() && a.getResult().getIpsCount() > 0)
        .map(a -> a.getResult().getIps(0).getAddress().replaceFirst("/.*", "")).orElse("");
    return status.setNetwork(PodSandboxNetworkStatus.newBuilder().setIp(ip)).build();
  }

  private static PodSandboxState state(PodSandboxes.Sandbox s) {
    return s.ready() ? PodSandboxState.SANDBOX_READY : PodSandboxState.SANDBOX_NOTREADY;
  }

  static Container container(CriContainers.CriContainer c) {
    ContainerConfig config = c.config();
    return Container.newBuilder().setId(c.id()).setPodSandboxId(c.sandboxId()).setMetadata(config.getMetadata())
        .setImage(config.getImage()).setImageRef(c.imageRef()).setState(c.criState())
        .setCreatedAt(nanos(c.state().createdAt()))
        .putAllLabels(config.getLabelsMap()).putAllAnnotations(config.getAnnotationsMap()).build();
  }

  /** The container's status, with the image {@link CriContainers#statusImage} gives. */
  static ContainerStatus containerStatus(CriContainers.CriContainer c, CriContainers.StatusImage image) {
    ContainerConfig config = c.config();
    ContainerStatus.Builder status = ContainerStatus.newBuilder().setId(c.id()).setMetadata(config.getMetadata())
        .setState(c.criState()).setCreatedAt(nanos(c.state().createdAt()))
        .setImage(ImageSpec.newBuilder().setImage(image.name()))
        .setImageRef(image.ref()).setReason(c.reason()).setMessage(c.message()).setExitCode(c.state().exitCode())
        .putAllLabels(config.getLabelsMap()).putAllAnnotations(config.getAnnotationsMap())
        .addAllMounts(config.getMountsList()).setLogPath(c.logPath())
        .setResources(ContainerResources.newBuilder().setLinux(applied(config.getLinux().getResources())));
    // the start time is taken once Start has returned, which a quick process may not outlive
    Optional<Instant> finished = c.state().finishedAt();
    c.state().startedAt().map(t -> finished.filter(f -> f.isBefore(t)).orElse(t))
        .ifPresent(t -> status.setStartedAt(nanos(t)));
    finished.ifPresent(t -> status.setFinishedAt(nanos(t)));
    return status.build();
  }

  /**
   * The resources as the container got them, as containerd reports its spec's: with a memory
   * limit, memory plus swap as {@link MemorySwap} set it.
   */
  private static LinuxContainerResources applied(LinuxContainerResources r) {
    if (r.getMemoryLimitInBytes() <= 0) {
      return r;
    }
    return MemorySwap.of(r.getMemoryLimitInBytes(), r.getMemorySwapLimitInBytes())
        .map(swap -> r.toBuilder().setMemorySwapLimitInBytes(swap).build()).orElse(r);
  }

  /**
   * The verbose info of a container, with containerd's keys in containerd's order: its sandbox,
   * pid, snapshot, runtime (no options: runc's defaults, which containerd prints as {}), config and
   * the spec it runs with. {@code removing} is always false: Berth keeps no removal state (containerd
   * sets it while its RemoveContainer runs).
   */
  static String containerInfo(CriContainers.CriContainer c) {
    return "{\"sandboxID\":" + quoted(c.sandboxId()) + ",\"pid\":" + c.state().pid() + ",\"removing\":false"
        + ",\"snapshotKey\":" + quoted(c.record().getSnapshotKey())
        + ",\"snapshotter\":" + quoted(c.record().getSnapshotter())
        + ",\"runtimeType\":" + quoted(c.record().getRuntime().getName()) + ",\"runtimeOptions\":{}"
        + ",\"config\":" + GoStructJson.of(c.config())
        + ",\"runtimeSpec\":" + c.record().getSpec().getValue().toStringUtf8() + "}";
  }

  /**
   * A pod's stats: its containers', their CPU and processes summed (the process count the kubelet
   * reads per pod, which containerd counts in the pod's cgroup), the memory of its cgroup or else
   * its containers' summed, and its network figures if it has any.
   */
  static PodSandboxStats podStats(PodSandboxes.Sandbox s, List<ContainerSamples.Sample> samples,
      Optional<MemoryUsage> cgroupMemory, Optional<NetworkUsage> network) {
    List<ContainerStats> containers = samples.stream().map(ContainerSamples.Sample::stats).toList();
    long now = nanos(Instant.now());
    CpuUsage.Builder cpu = CpuUsage.newBuilder().setTimestamp(now)
        .setUsageCoreNanoSeconds(sum(containers, c -> c.getCpu().hasUsageCoreNanoSeconds(),
            c -> c.getCpu().getUsageCoreNanoSeconds().getValue()));
    if (containers.stream().anyMatch(c -> c.getCpu().hasUsageNanoCores())) {
      cpu.setUsageNanoCores(sum(containers, c -> c.getCpu().hasUsageNanoCores(),
          c -> c.getCpu().getUsageNanoCores().getValue()));
    }
    MemoryUsage memory = cgroupMemory.orElseGet(() -> MemoryUsage.newBuilder().setTimestamp(now)
        .setWorkingSetBytes(sum(containers, ContainerStats::hasMemory, c -> c.getMemory().getWorkingSetBytes().getValue()))
        .setUsageBytes(sum(containers, ContainerStats::hasMemory, c -> c.getMemory().getUsageBytes().getValue()))
        .setRssBytes(sum(containers, ContainerStats::hasMemory, c -> c.getMemory().getRssBytes().getValue()))
        .setPageFaults(sum(containers, ContainerStats::hasMemory, c -> c.getMemory().getPageFaults().getValue()))
        .setMajorPageFaults(sum(containers, ContainerStats::hasMemory,
            c -> c.getMemory().getMajorPageFaults().getValue())).build());
    ProcessUsage.Builder processes = ProcessUsage.newBuilder().setTimestamp(now).setProcessCount(UInt64Value
        .newBuilder().setValue(samples.stream().mapToLong(ContainerSamples.Sample::processes).sum()));
    LinuxPodSandboxStats.Builder linux = LinuxPodSandboxStats.newBuilder().setCpu(cpu).setMemory(memory)
        .setProcess(processes).addAllContainers(containers);
    network.ifPresent(linux::setNetwork);
    return PodSandboxStats.newBuilder()
        .setAttributes(PodSandboxAttributes.newBuilder().setId(s.id()).setMetadata(s.config().getMetadata())
            .putAllLabels(s.config().getLabelsMap()).putAllAnnotations(s.config().getAnnotationsMap()))
        .setLinux(linux)
        .build();
  }

  private static UInt64Value sum(List<ContainerStats> containers, Predicate<ContainerStats> has,
      ToLongFunction<ContainerStats> value) {
    return UInt64Value.newBuilder().setValue(containers.stream().filter(has).mapToLong(value).sum()).build();
  }

  static long nanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  private static String quoted(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
