package dev.berth.cri;

import dev.berth.api.grpc.Errors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import runtime.v1.MemoryUsage;
import runtime.v1.UInt64Value;

/**
 * A pod's memory as containerd reports it: its cgroup's, the cgroup parent the kubelet made for
 * it, whose limit is the pod's (so the eviction manager and the summary API get the pod's
 * available bytes) and whose usage also holds what the pod's ended containers left charged to it.
 * Read from cgroupfs (v1's memory hierarchy or the unified v2 one): the cgroup is the kubelet's,
 * no Berth service holds it.
 */
final class PodCgroupMemory {
  /** Beyond this a limit is "none" (containerd's bound: the kernel rounds its unlimited value). */
  private static final long NO_LIMIT = 1L << 62;

  private final Path cgroupRoot;

  PodCgroupMemory(Path cgroupRoot) {
    this.cgroupRoot = cgroupRoot;
  }

  /** The figures of the pod's cgroup, none for a pod without a cgroup parent or one not there (yet). */
  Optional<MemoryUsage> of(String cgroupParent, long timestamp) {
    if (cgroupParent.isEmpty()) {
      return Optional.empty();
    }
    boolean unified = Files.exists(cgroupRoot.resolve("cgroup.controllers"));
    Path dir = (unified ? cgroupRoot : cgroupRoot.resolve("memory")).resolve(cgroupParent.substring(1));
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try {
      Map<String, Long> stat = stat(dir.resolve("memory.stat"));
      long usage = number(dir.resolve(unified ? "memory.current" : "memory.usage_in_bytes"));
      long limit = number(dir.resolve(unified ? "memory.max" : "memory.limit_in_bytes"));
      String prefix = unified ? "" : "total_";
      long workingSet = Math.max(0, usage - stat.getOrDefault(prefix + "inactive_file", 0L));
      MemoryUsage.Builder memory = MemoryUsage.newBuilder().setTimestamp(timestamp)
          .setWorkingSetBytes(value(workingSet)).setUsageBytes(value(usage))
          .setRssBytes(value(stat.getOrDefault(unified ? "anon" : "total_rss", 0L)))
          .setPageFaults(value(stat.getOrDefault(prefix + "pgfault", 0L)))
          .setMajorPageFaults(value(stat.getOrDefault(prefix + "pgmajfault", 0L)));
      if (limit < NO_LIMIT) {
        memory.setAvailableBytes(value(Math.max(0, limit - workingSet)));
      }
      return Optional.of(memory.build());
    } catch (java.nio.file.NoSuchFileException e) {
      return Optional.empty(); // removed by the kubelet while read
    } catch (IOException e) {
      throw Errors.internal(e, "cannot read the memory figures of pod cgroup %s: %s", dir, e.getMessage());
    }
  }

  private static long number(Path file) throws IOException {
    String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
    return text.equals("max") ? Long.MAX_VALUE : Long.parseLong(text);
  }

  private static Map<String, Long> stat(Path file) throws IOException {
    Map<String, Long> stat = new HashMap<>();
    for (String line : Files.readAllLines(file, StandardCharsets.US_ASCII)) {
      String[] kv = line.split(" ");
      if (kv.length == 2) {
        stat.put(kv[0], Long.parseLong(kv[1]));
      }
    }
    return stat;
  }

  private static UInt64Value value(long v) {
    return UInt64Value.newBuilder().setValue(v).build();
  }
}
