package dev.berth.tasks.cgroups;

import io.containerd.cgroups.v1.BlkIOEntry;
import io.containerd.cgroups.v1.BlkIOStat;
import io.containerd.cgroups.v1.CPUStat;
import io.containerd.cgroups.v1.CPUUsage;
import io.containerd.cgroups.v1.HugetlbStat;
import io.containerd.cgroups.v1.MemoryEntry;
import io.containerd.cgroups.v1.MemoryOomControl;
import io.containerd.cgroups.v1.MemoryStat;
import io.containerd.cgroups.v1.Metrics;
import io.containerd.cgroups.v1.PidsStat;
import io.containerd.cgroups.v1.Throttle;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/** A container's cgroup v1 statistics in containerd's {@code io.containerd.cgroups.v1.Metrics} message. */
public final class CgroupV1Metrics {
  /** The kernel's USER_HZ, the unit of cpuacct.stat. */
  private static final long TICKS_PER_SECOND = 100;

  private CgroupV1Metrics() {}

  /** Reads the controllers present in {@code dirs} (controller name to cgroup directory). */
  public static Metrics read(Map<String, Path> dirs) {
    Metrics.Builder m = Metrics.newBuilder();
    Path pids = dirs.get("pids");
    if (pids != null && Files.isDirectory(pids)) {
      m.setPids(PidsStat.newBuilder()
          .setCurrent(CgroupFiles.number(pids, "pids.current"))
          .setLimit(CgroupFiles.number(pids, "pids.max", 0)));
    }
    Path cpuacct = dirs.get("cpuacct");
    Path cpu = dirs.get("cpu");
    if (cpuacct != null && Files.isDirectory(cpuacct)) {
      m.setCpu(cpu(cpuacct, cpu));
    }
    Path memory = dirs.get("memory");
    if (memory != null && Files.isDirectory(memory)) {
      m.setMemory(memory(memory));
      Map<String, Long> oom = CgroupFiles.keyValues(memory, "memory.oom_control");
      m.setMemoryOomControl(MemoryOomControl.newBuilder()
          .setOomKillDisable(oom.getOrDefault("oom_kill_disable", 0L))
          .setUnderOom(oom.getOrDefault("under_oom", 0L))
          .setOomKill(oom.getOrDefault("oom_kill", 0L)));
    }
    Path blkio = dirs.get("blkio");
    if (blkio != null && Files.isDirectory(blkio)) {
      m.setBlkio(blkio(blkio));
    }
    Path hugetlb = dirs.get("hugetlb");
    if (hugetlb != null && Files.isDirectory(hugetlb)) {
      m.addAllHugetlb(hugetlb(hugetlb));
    }
    return m.build();
  }

  private static CPUStat cpu(Path cpuacct, Path cpu) {
    CPUUsage.Builder usage = CPUUsage.newBuilder()
        .setTotal(CgroupFiles.number(cpuacct, "cpuacct.usage"))
        .addAllPerCpu(CgroupFiles.numbers(cpuacct, "cpuacct.usage_percpu"));
    if (Files.exists(cpuacct.resolve("cpuacct.usage_user"))) {
      usage.setUser(CgroupFiles.number(cpuacct, "cpuacct.usage_user"))
          .setKernel(CgroupFiles.number(cpuacct, "cpuacct.usage_sys"));
    } else {
      Map<String, Long> stat = CgroupFiles.keyValues(cpuacct, "cpuacct.stat");
      long nanosPerTick = 1_000_000_000L / TICKS_PER_SECOND;
      usage.setUser(stat.getOrDefault("user", 0L) * nanosPerTick)
          .setKernel(stat.getOrDefault("system", 0L) * nanosPerTick);
    }
    CPUStat.Builder stat = CPUStat.newBuilder().setUsage(usage);
    if (cpu != null && Files.isDirectory(cpu)) {
      Map<String, Long> throttling = CgroupFiles.keyValues(cpu, "cpu.stat");
      stat.setThrottling(Throttle.newBuilder()
          .setPeriods(throttling.getOrDefault("nr_periods", 0L))
          .setThrottledPeriods(throttling.getOrDefault("nr_throttled", 0L))
          .setThrottledTime(throttling.getOrDefault("throttled_time", 0L)));
    }
    return stat.build();
  }

  private static MemoryStat memory(Path dir) {
    Map<String, Long> s = CgroupFiles.keyValues(dir, "memory.stat");
    MemoryStat.Builder b = MemoryStat.newBuilder();
    set(s, "cache", b::setCache);
    set(s, "rss", b::setRss);
    set(s, "rss_huge", b::setRssHuge);
    set(s, "mapped_file", b::setMappedFile);
    set(s, "dirty", b::setDirty);
    set(s, "writeback", b::setWriteback);
    set(s, "pgpgin", b::setPgPgIn);
    set(s, "pgpgout", b::setPgPgOut);
    set(s, "pgfault", b::setPgFault);
    set(s, "pgmajfault", b::setPgMajFault);
    set(s, "inactive_anon", b::setInactiveAnon);
    set(s, "active_anon", b::setActiveAnon);
    set(s, "inactive_file", b::setInactiveFile);
    set(s, "active_file", b::setActiveFile);
    set(s, "unevictable", b::setUnevictable);
    set(s, "hierarchical_memory_limit", b::setHierarchicalMemoryLimit);
    set(s, "hierarchical_memsw_limit", b::setHierarchicalSwapLimit);
    set(s, "total_cache", b::setTotalCache);
    set(s, "total_rss", b::setTotalRss);
    set(s, "total_rss_huge", b::setTotalRssHuge);
    set(s, "total_mapped_file", b::setTotalMappedFile);
    set(s, "total_dirty", b::setTotalDirty);
    set(s, "total_writeback", b::setTotalWriteback);
    set(s, "total_pgpgin", b::setTotalPgPgIn);
    set(s, "total_pgpgout", b::setTotalPgPgOut);
    set(s, "total_pgfault", b::setTotalPgFault);
    set(s, "total_pgmajfault", b::setTotalPgMajFault);
    set(s, "total_inactive_anon", b::setTotalInactiveAnon);
    set(s, "total_active_anon", b::setTotalActiveAnon);
    set(s, "total_inactive_file", b::setTotalInactiveFile);
    set(s, "total_active_file", b::setTotalActiveFile);
    set(s, "total_unevictable", b::setTotalUnevictable);
    return b.setUsage(entry(dir, "memory"))
        .setSwap(entry(dir, "memory.memsw"))
        .setKernel(entry(dir, "memory.kmem"))
        .setKernelTcp(entry(dir, "memory.kmem.tcp"))
        .build();
  }

  private static MemoryEntry entry(Path dir, String prefix) {
    return MemoryEntry.newBuilder()
        .setUsage(CgroupFiles.number(dir, prefix + ".usage_in_bytes"))
        .setLimit(CgroupFiles.number(dir, prefix + ".limit_in_bytes"))
        .setMax(CgroupFiles.number(dir, prefix + ".max_usage_in_bytes"))
        .setFailcnt(CgroupFiles.number(dir, prefix + ".failcnt"))
        .build();
  }

  private static void set(Map<String, Long> stat, String key, LongConsumer setter) {
    Long v = stat.get(key);
    if (v != null) {
      setter.accept(v);
    }
  }

  private static BlkIOStat blkio(Path dir) {
    // Without a proportional-weight scheduler the plain files are empty; the throttle ones still count.
    String prefix = CgroupFiles.read(dir, "blkio.io_serviced_recursive").lines().anyMatch(l -> !l.startsWith("Total"))
        ? "blkio." : "blkio.throttle.";
    BlkIOStat.Builder b = BlkIOStat.newBuilder();
    entries(dir, prefix + "io_service_bytes_recursive", b::addIoServiceBytesRecursive);
    entries(dir, prefix + "io_serviced_recursive", b::addIoServicedRecursive);
    entries(dir, "blkio.io_queued_recursive", b::addIoQueuedRecursive);
    entries(dir, "blkio.io_service_time_recursive", b::addIoServiceTimeRecursive);
    entries(dir, "blkio.io_wait_time_recursive", b::addIoWaitTimeRecursive);
    entries(dir, "blkio.io_merged_recursive", b::addIoMergedRecursive);
    entries(dir, "blkio.time_recursive", b::addIoTimeRecursive);
    entries(dir, "blkio.sectors_recursive", b::addSectorsRecursive);
    return b.build();
  }

  /** Lines "major:minor [op] value"; the "Total" line is left out, as containerd does. */
  private static void entries(Path dir, String name, Consumer<BlkIOEntry> add) {
    for (String line : CgroupFiles.read(dir, name).split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 2 || !f[0].contains(":")) {
        continue;
      }
      String[] device = f[0].split(":");
      try {
        long major = Long.parseLong(device[0]);
        long minor = Long.parseLong(device[1]);
        add.accept(BlkIOEntry.newBuilder()
            .setMajor(major)
            .setMinor(minor)
            .setDevice(BlockDevices.name(major, minor))
            .setOp(f.length == 3 ? f[1] : "")
            .setValue(Long.parseUnsignedLong(f[f.length - 1]))
            .build());
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
        // a line in an unexpected shape is skipped
      }
    }
  }

  private static List<HugetlbStat> hugetlb(Path dir) {
    List<HugetlbStat> stats = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("hugetlb.") && n.endsWith(".usage_in_bytes"))
          .sorted()
          .forEach(n -> {
            String size = n.substring("hugetlb.".length(), n.length() - ".usage_in_bytes".length());
            String prefix = "hugetlb." + size;
            stats.add(HugetlbStat.newBuilder()
                .setPagesize(size)
                .setUsage(CgroupFiles.number(dir, prefix + ".usage_in_bytes"))
                .setMax(CgroupFiles.number(dir, prefix + ".max_usage_in_bytes"))
                .setFailcnt(CgroupFiles.number(dir, prefix + ".failcnt"))
                .build());
          });
    } catch (IOException e) {
      // no hugetlb statistics
    }
    return stats;
  }
}
