package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import containerd.types.Metric;
import io.containerd.cgroups.v1.CPUStat;
import io.containerd.cgroups.v1.CPUUsage;
import io.containerd.cgroups.v1.Metrics;
import runtime.v1.ContainerStats;
import org.junit.jupiter.api.Test;

/** A container's CRI stats from its cgroup's metrics, as the kubelet's summary reads them. */
class ContainerSamplesTest {
  private final ContainerSamples samples = new ContainerSamples(null, null);

  @Test
  void theFirstReadingAnswersZeroNanocoresAsContainerdAndTheNextTheUseBetweenThem() {
    ContainerStats first = read(1, 500_000_000L);
    assertTrue(first.getCpu().hasUsageNanoCores(), "containerd answers 0, not nothing, at the first reading");
    assertEquals(0, first.getCpu().getUsageNanoCores().getValue());
    assertEquals(250_000_000L, read(3, 1_000_000_000L).getCpu().getUsageNanoCores().getValue(),
        "half a second of CPU in two seconds");
  }

  private ContainerStats read(long second, long cpuNanos) {
    Metrics m = Metrics.newBuilder().setCpu(CPUStat.newBuilder().setUsage(CPUUsage.newBuilder().setTotal(cpuNanos)))
        .build();
    Metric metric = Metric.newBuilder().setTimestamp(Timestamp.newBuilder().setSeconds(second)).setId("c")
        .setData(Any.pack(m, "types.containerd.io")).build();
    ContainerStats.Builder stats = ContainerStats.newBuilder();
    samples.cgroup("c", metric, stats);
    return stats.build();
  }
}
