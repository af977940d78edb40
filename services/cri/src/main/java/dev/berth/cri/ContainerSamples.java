package dev.berth.cri;

import com.google.protobuf.InvalidProtocolBufferException;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.UsageRequest;
import containerd.services.snapshots.v1.UsageResponse;
import containerd.services.tasks.v1.MetricsRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.types.Metric;
import dev.berth.api.grpc.Errors;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.client.containers.ContainerClient;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import runtime.v1.ContainerAttributes;
import runtime.v1.ContainerStats;
import runtime.v1.CpuUsage;
import runtime.v1.FilesystemIdentifier;
import runtime.v1.FilesystemUsage;
import runtime.v1.MemoryUsage;
import runtime.v1.UInt64Value;

/**
 * A container's CRI stats from the Tasks API's cgroup metrics (v1 or v2 messages) and the
 * Snapshots API's usage of its writable layer, with the number of processes in its cgroup, which
 * the CRI reports only per pod. CPU use in nanocores needs two readings: the last one of each
 * running container is kept, until it is read not running. The first reading answers 0
 * nanocores, as containerd's, rather than none.
 */
final class ContainerSamples {
  /** Beyond this a memory limit is "none": the kernel's unlimited value, rounded to pages. */
  private static final long NO_LIMIT = Long.MAX_VALUE / 2;

  private final Channel api;
  private final ApiImages images;
  private final Map<String, long[]> lastCpu = new ConcurrentHashMap<>();

  ContainerSamples(Channel api, ApiImages images) {
    this.api = api;
    this.images = images;
  }

  /** A container's stats and the processes its cgroup holds (0 for one not running). */
  record Sample(ContainerStats stats, long processes) {}

  ContainerStats of(CriContainers.CriContainer c) {
    return sample(c).stats();
  }

  Sample sample(CriContainers.CriContainer c) {
    ContainerStats.Builder stats = ContainerStats.newBuilder().setAttributes(ContainerAttributes.newBuilder()
        .setId(c.id()).setMetadata(c.config().getMetadata()).putAllLabels(c.config().getLabelsMap())
        .putAllAnnotations(c.config().getAnnotationsMap()));
    long processes = 0;
    if (c.state().running()) {
      Optional<Metric> metric = metric(c.id());
      if (metric.isPresent()) {
        processes = cgroup(c.id(), metric.get(), stats);
      }
    } else {
      lastCpu.remove(c.id());
    }
    long now = CriMessages.nanos(java.time.Instant.now());
    FilesystemUsage.Builder layer = FilesystemUsage.newBuilder().setTimestamp(now)
        .setFsId(FilesystemIdentifier.newBuilder().setMountpoint(images.snapshotterRoot()));
    try {
      UsageResponse usage = SnapshotsGrpc.newBlockingStub(api).usage(UsageRequest.newBuilder()
          .setSnapshotter(ContainerClient.SNAPSHOTTER).setKey(c.record().getSnapshotKey()).build());
      layer.setUsedBytes(value(usage.getSize())).setInodesUsed(value(usage.getInodes()));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
    }
    return new Sample(stats.setWritableLayer(layer).build(), processes);
  }

  private Optional<Metric> metric(String id) {
    return TasksGrpc.newBlockingStub(api).metrics(MetricsRequest.newBuilder().addFilters("id==\"" + id + "\"")
        .build()).getMetricsList().stream().findFirst();
  }

  /** Sets the CPU and memory figures of a cgroup's metrics and answers how many processes it holds. */
  long cgroup(String id, Metric metric, ContainerStats.Builder stats) {
    long at = metric.hasTimestamp() ? CriMessages.nanos(ProtoTimes.toInstant(metric.getTimestamp()))
        : CriMessages.nanos(java.time.Instant.now());
    long cpuNanos;
    long usage;
    long workingSet;
    long rss;
    long limit;
    long faults;
    long majorFaults;
    long processes;
    String type = metric.getData().getTypeUrl();
    try {
      if (type.endsWith("io.containerd.cgroups.v1.Metrics")) {
        io.containerd.cgroups.v1.Metrics m = io.containerd.cgroups.v1.Metrics.parseFrom(metric.getData().getValue());
        cpuNanos = m.getCpu().getUsage().getTotal();
        usage = m.getMemory().getUsage().getUsage();
        workingSet = Math.max(0, usage - m.getMemory().getTotalInactiveFile());
        rss = m.getMemory().getTotalRss();
        limit = m.getMemory().getUsage().getLimit();
        faults = m.getMemory().getTotalPgFault();
        majorFaults = m.getMemory().getTotalPgMajFault();
        processes = m.getPids().getCurrent();
      } else if (type.endsWith("io.containerd.cgroups.v2.Metrics")) {
        io.containerd.cgroups.v2.Metrics m = io.containerd.cgroups.v2.Metrics.parseFrom(metric.getData().getValue());
        cpuNanos = m.getCpu().getUsageUsec() * 1000;
        usage = m.getMemory().getUsage();
        workingSet = Math.max(0, usage - m.getMemory().getInactiveFile());
        rss = m.getMemory().getAnon();
        limit = m.getMemory().getUsageLimit();
        faults = m.getMemory().getPgfault();
        majorFaults = m.getMemory().getPgmajfault();
        processes = m.getPids().getCurrent();
      } else {
        throw Errors.failedPrecondition("metrics of container %s are of an unknown kind: %s", id, type);
      }
    } catch (InvalidProtocolBufferException e) {
      throw Errors.internal(e, "unreadable metrics of container %s: %s", id, e.getMessage());
    }
    CpuUsage.Builder cpu = CpuUsage.newBuilder().setTimestamp(at).setUsageCoreNanoSeconds(value(cpuNanos));
    cpu.setUsageNanoCores(value(nanoCores(id, at, cpuNanos)));
    MemoryUsage.Builder memory = MemoryUsage.newBuilder().setTimestamp(at).setWorkingSetBytes(value(workingSet))
        .setUsageBytes(value(usage)).setRssBytes(value(rss)).setPageFaults(value(faults))
        .setMajorPageFaults(value(majorFaults));
    if (limit > 0 && limit < NO_LIMIT) {
      memory.setAvailableBytes(value(Math.max(0, limit - workingSet)));
    }
    stats.setCpu(cpu).setMemory(memory);
    return processes;
  }

  /** The CPU use since the last reading of the container, 0 at its first (or a reading no later). */
  private long nanoCores(String id, long at, long cpuNanos) {
    long[] previous = lastCpu.put(id, new long[] {at, cpuNanos});
    if (previous == null || at <= previous[0]) {
      return 0;
    }
    return Math.max(0, cpuNanos - previous[1]) * 1_000_000_000L / (at - previous[0]);
  }

  private static UInt64Value value(long v) {
    return UInt64Value.newBuilder().setValue(v).build();
  }
}
