package dev.berth.ctl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the kernel's OOM killer struck in a container's memory cgroup, read from the cgroup
 * itself: the Tasks API reports OOM kills only as a passing /tasks/oom event and gives no metrics
 * for an ended task, while the cgroup (and its counter) lives until the task is deleted.
 * berthctl runs as root beside berthd, so it can read it; cgroup v1's memory controller and v2
 * are both looked at.
 */
final class CgroupOom {
  private static final Path V1_MEMORY = Path.of("/sys/fs/cgroup/memory");
  private static final Path V2 = Path.of("/sys/fs/cgroup");

  private CgroupOom() {}

  static boolean killed(String cgroupsPath) {
    if (cgroupsPath == null || !cgroupsPath.startsWith("/") || cgroupsPath.contains("..")) {
      return false;
    }
    String relative = cgroupsPath.substring(1);
    return count(V1_MEMORY.resolve(relative).resolve("memory.oom_control")) > 0
        || count(V2.resolve(relative).resolve("memory.events")) > 0;
  }

  /** The {@code oom_kill N} line of a cgroup file; 0 when there is none. */
  private static long count(Path file) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith("oom_kill ")) {
          return Long.parseLong(line.substring("oom_kill ".length()).trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      // no such cgroup (gone, or another layout)
    }
    return 0;
  }
}
