package dev.berth.tasks.cgroups;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CgroupLayoutTest {
  private static final List<String> HYBRID = List.of(
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755",
      "32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu",
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory",
      "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids",
      "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd",
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw");
  private static final List<String> UNIFIED = List.of(
      "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate");
  private static final List<String> LEGACY = List.of(
      "32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct");

  @Test
  void tellsTheThreeLayoutsApart() {
    assertEquals(CgroupLayout.Mode.HYBRID, CgroupLayout.parse(HYBRID).mode());
    assertEquals(CgroupLayout.Mode.UNIFIED, CgroupLayout.parse(UNIFIED).mode());
    assertEquals(CgroupLayout.Mode.LEGACY, CgroupLayout.parse(LEGACY).mode());
  }

  @Test
  void findsThisProcesssCgroupDirectories() throws Exception {
    Map<String, Path> dirs = CgroupLayout.detect().cgroupDirs((int) ProcessHandle.current().pid());
    assertFalse(dirs.isEmpty());
    for (Map.Entry<String, Path> e : dirs.entrySet()) {
      assertTrue(Files.exists(e.getValue().resolve("cgroup.procs")), e.toString());
      assertTrue(Files.readAllLines(e.getValue().resolve("cgroup.procs")).contains(Long.toString(ProcessHandle.current().pid())),
          e.toString());
    }
  }
}
