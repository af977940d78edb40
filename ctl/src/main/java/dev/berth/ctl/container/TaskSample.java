package dev.berth.ctl.container;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import containerd.types.Metric;
import dev.berth.ctl.CommandFailure;

/**
 * One reading of a task's cgroup, from the Tasks API's metrics (cgroup v1 or v2 messages, as
 * containerd's type URLs name them): CPU time used so far, memory in use and its limit, processes,
 * bytes read from and written to block devices.
 *
 * @param atNanos when berthd read the cgroup (epoch nanoseconds; 0 if it did not say): CPU use is
 *     per interval between readings, so the interval must be the readings', not the client's
 * @param memory bytes in use without the inactive page cache, as docker counts it
 * @param memoryLimit bytes; a huge number when the container has no limit
 * @param blockRead bytes read from block devices, summed over the devices (docker's BLOCK I/O)
 */
record TaskSample(long atNanos, long cpuNanos, long memory, long memoryLimit, long pids, long blockRead,
    long blockWrite) {
  /** A container without a running task: zeros, as Docker shows one. */
  static final TaskSample NOT_RUNNING = new TaskSample(0, 0, 0, 0, 0, 0, 0);

  static TaskSample of(Metric metric) {
    Any data = metric.getData();
    long at = metric.getTimestamp().getSeconds() * 1_000_000_000L + metric.getTimestamp().getNanos();
    try {
      if (data.getTypeUrl().endsWith("io.containerd.cgroups.v1.Metrics")) {
        io.containerd.cgroups.v1.Metrics m = io.containerd.cgroups.v1.Metrics.parseFrom(data.getValue());
        long usage = m.getMemory().getUsage().getUsage();
        return new TaskSample(at, m.getCpu().getUsage().getTotal(),
            Math.max(0, usage - m.getMemory().getTotalInactiveFile()), m.getMemory().getUsage().getLimit(),
            m.getPids().getCurrent(), serviced(m, "read"), serviced(m, "write"));
      }
      if (data.getTypeUrl().endsWith("io.containerd.cgroups.v2.Metrics")) {
        io.containerd.cgroups.v2.Metrics m = io.containerd.cgroups.v2.Metrics.parseFrom(data.getValue());
        return new TaskSample(at, m.getCpu().getUsageUsec() * 1000,
            Math.max(0, m.getMemory().getUsage() - m.getMemory().getInactiveFile()), m.getMemory().getUsageLimit(),
            m.getPids().getCurrent(), m.getIo().getUsageList().stream().mapToLong(e -> e.getRbytes()).sum(),
            m.getIo().getUsageList().stream().mapToLong(e -> e.getWbytes()).sum());
      }
    } catch (InvalidProtocolBufferException e) {
      throw new CommandFailure("unreadable metrics of " + metric.getId() + ": " + e.getMessage(), e);
    }
    throw new CommandFailure("metrics of " + metric.getId() + " are of an unknown kind: " + data.getTypeUrl());
  }

  /** cgroup v1's bytes serviced for one operation ("Read", "Write"), summed over the devices. */
  private static long serviced(io.containerd.cgroups.v1.Metrics m, String op) {
    return m.getBlkio().getIoServiceBytesRecursiveList().stream().filter(e -> e.getOp().equalsIgnoreCase(op))
        .mapToLong(e -> e.getValue()).sum();
  }

  /**
   * CPU use since {@code previous} in percent of one CPU, over the readings' own interval: the
   * client's clock ({@code clientElapsedNanos}, used only when berthd gave no times) also counts
   * how long each answer took, which a cold first call makes long.
   */
  double cpuPercentSince(TaskSample previous, long clientElapsedNanos) {
    long interval = atNanos > 0 && previous.atNanos > 0 ? atNanos - previous.atNanos : clientElapsedNanos;
    return interval <= 0 ? 0 : 100.0 * Math.max(0, cpuNanos - previous.cpuNanos) / interval;
  }
}
