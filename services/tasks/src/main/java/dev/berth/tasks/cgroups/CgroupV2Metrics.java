package dev.berth.tasks.cgroups;

import io.containerd.cgroups.v2.CPUStat;
import io.containerd.cgroups.v2.IOEntry;
import io.containerd.cgroups.v2.IOStat;
import io.containerd.cgroups.v2.MemoryEvents;
import io.containerd.cgroups.v2.MemoryStat;
import io.containerd.cgroups.v2.Metrics;
import io.containerd.cgroups.v2.PidsStat;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.LongConsumer;

/** A container's cgroup v2 statistics in containerd's {@code io.containerd.cgroups.v2.Metrics} message. */
public final class CgroupV2Metrics {
  private CgroupV2Metrics() {}

  public static Metrics read(Path dir) {
    Map<String, Long> cpu = CgroupFiles.keyValues(dir, "cpu.stat");
    Map<String, Long> events = CgroupFiles.keyValues(dir, "memory.events");
    return Metrics.newBuilder()
        .setPids(PidsStat.newBuilder()
            .setCurrent(CgroupFiles.number(dir, "pids.current"))
            .setLimit(CgroupFiles.number(dir, "pids.max", 0)))
        .setCpu(CPUStat.newBuilder()
            .setUsageUsec(cpu.getOrDefault("usage_usec", 0L))
            .setUserUsec(cpu.getOrDefault("user_usec", 0L))
            .setSystemUsec(cpu.getOrDefault("system_usec", 0L))
            .setNrPeriods(cpu.getOrDefault("nr_periods", 0L))
            .setNrThrottled(cpu.getOrDefault("nr_throttled", 0L))
            .setThrottledUsec(cpu.getOrDefault("throttled_usec", 0L)))
        .setMemory(memory(dir))
        .setMemoryEvents(MemoryEvents.newBuilder()
            .setLow(events.getOrDefault("low", 0L))
            .setHigh(events.getOrDefault("high", 0L))
            .setMax(events.getOrDefault("max", 0L))
            .setOom(events.getOrDefault("oom", 0L))
            .setOomKill(events.getOrDefault("oom_kill", 0L)))
        .setIo(io(dir))
        .build();
  }

  private static MemoryStat memory(Path dir) {
    Map<String, Long> s = CgroupFiles.keyValues(dir, "memory.stat");
    MemoryStat.Builder b = MemoryStat.newBuilder();
    set(s, "anon", b::setAnon);
    set(s, "file", b::setFile);
    set(s, "kernel_stack", b::setKernelStack);
    set(s, "slab", b::setSlab);
    set(s, "sock", b::setSock);
    set(s, "shmem", b::setShmem);
    set(s, "file_mapped", b::setFileMapped);
    set(s, "file_dirty", b::setFileDirty);
    set(s, "file_writeback", b::setFileWriteback);
    set(s, "anon_thp", b::setAnonThp);
    set(s, "inactive_anon", b::setInactiveAnon);
    set(s, "active_anon", b::setActiveAnon);
    set(s, "inactive_file", b::setInactiveFile);
    set(s, "active_file", b::setActiveFile);
    set(s, "unevictable", b::setUnevictable);
    set(s, "slab_reclaimable", b::setSlabReclaimable);
    set(s, "slab_unreclaimable", b::setSlabUnreclaimable);
    set(s, "pgfault", b::setPgfault);
    set(s, "pgmajfault", b::setPgmajfault);
    set(s, "workingset_refault", b::setWorkingsetRefault);
    set(s, "workingset_activate", b::setWorkingsetActivate);
    set(s, "workingset_nodereclaim", b::setWorkingsetNodereclaim);
    set(s, "pgrefill", b::setPgrefill);
    set(s, "pgscan", b::setPgscan);
    set(s, "pgsteal", b::setPgsteal);
    set(s, "pgactivate", b::setPgactivate);
    set(s, "pgdeactivate", b::setPgdeactivate);
    set(s, "pglazyfree", b::setPglazyfree);
    set(s, "pglazyfreed", b::setPglazyfreed);
    set(s, "thp_fault_alloc", b::setThpFaultAlloc);
    set(s, "thp_collapse_alloc", b::setThpCollapseAlloc);
    return b.setUsage(CgroupFiles.number(dir, "memory.current"))
        .setUsageLimit(CgroupFiles.number(dir, "memory.max", CgroupFiles.UNLIMITED))
        .setSwapUsage(CgroupFiles.number(dir, "memory.swap.current"))
        .setSwapLimit(CgroupFiles.number(dir, "memory.swap.max", CgroupFiles.UNLIMITED))
        .build();
  }

  /** io.stat lines: "major:minor rbytes=.. wbytes=.. rios=.. wios=.. ...". */
  private static IOStat io(Path dir) {
    IOStat.Builder b = IOStat.newBuilder();
    for (String line : CgroupFiles.read(dir, "io.stat").split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 2 || !f[0].contains(":")) {
        continue;
      }
      String[] device = f[0].split(":");
      IOEntry.Builder e = IOEntry.newBuilder();
      try {
        e.setMajor(Long.parseLong(device[0])).setMinor(Long.parseLong(device[1]));
        for (int i = 1; i < f.length; i++) {
          String[] kv = f[i].split("=", 2);
          if (kv.length != 2) {
            continue;
          }
          long v = Long.parseUnsignedLong(kv[1]);
          switch (kv[0]) {
            case "rbytes" -> e.setRbytes(v);
            case "wbytes" -> e.setWbytes(v);
            case "rios" -> e.setRios(v);
            case "wios" -> e.setWios(v);
            default -> { }
          }
        }
      } catch (NumberFormatException | ArrayIndexOutOfBoundsException ex) {
        continue;
      }
      b.addUsage(e);
    }
    return b.build();
  }

  private static void set(Map<String, Long> stat, String key, LongConsumer setter) {
    Long v = stat.get(key);
    if (v != null) {
      setter.accept(v);
    }
  }
}
