package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.MemoryUsage;

/** A pod's memory read from its cgroup as containerd reads it: working set and available bytes under its limit. */
class PodCgroupMemoryTest {
  @TempDir Path root;

  @Test
  void aV1PodCgroupGivesItsUsageWorkingSetAndWhatItsLimitLeaves() throws IOException {
    Path pod = Files.createDirectories(root.resolve("memory/kubepods/burstable/pod1"));
    Files.writeString(pod.resolve("memory.usage_in_bytes"), "10485760\n");
    Files.writeString(pod.resolve("memory.limit_in_bytes"), "134217728\n");
    Files.writeString(pod.resolve("memory.stat"), "cache 9\ninactive_file 1\ntotal_inactive_file 4194304\n"
        + "total_rss 2097152\ntotal_pgfault 300\ntotal_pgmajfault 2\n");
    MemoryUsage m = new PodCgroupMemory(root).of("/kubepods/burstable/pod1", 7).orElseThrow();
    assertEquals(10485760, m.getUsageBytes().getValue());
    assertEquals(6291456, m.getWorkingSetBytes().getValue(), "usage less the inactive file cache");
    assertEquals(134217728 - 6291456, m.getAvailableBytes().getValue(), "the limit less the working set");
    assertEquals(2097152, m.getRssBytes().getValue());
    assertEquals(300, m.getPageFaults().getValue());
    assertEquals(2, m.getMajorPageFaults().getValue());
    assertEquals(7, m.getTimestamp());
  }

  @Test
  void aV2PodCgroupWithoutLimitHasNoAvailableBytes() throws IOException {
    Files.writeString(root.resolve("cgroup.controllers"), "cpu memory pids\n");
    Path pod = Files.createDirectories(root.resolve("kubepods/pod2"));
    Files.writeString(pod.resolve("memory.current"), "8192\n");
    Files.writeString(pod.resolve("memory.max"), "max\n");
    Files.writeString(pod.resolve("memory.stat"), "anon 4096\ninactive_file 12288\npgfault 5\npgmajfault 0\n");
    MemoryUsage m = new PodCgroupMemory(root).of("/kubepods/pod2", 1).orElseThrow();
    assertEquals(0, m.getWorkingSetBytes().getValue(), "never below nothing");
    assertFalse(m.hasAvailableBytes());
    assertEquals(4096, m.getRssBytes().getValue());
  }

  @Test
  void aPodWithoutCgroupParentOrWhoseCgroupIsGoneHasNone() {
    assertEquals(Optional.empty(), new PodCgroupMemory(root).of("", 1));
    assertEquals(Optional.empty(), new PodCgroupMemory(root).of("/kubepods/gone", 1));
  }

  @Test
  void theKernelsPodCgroupUnderItsLimit() throws IOException {
    Path cgroups = Path.of("/sys/fs/cgroup");
    String name = "berth-test-pod-" + UUID.randomUUID();
    boolean unified = Files.exists(cgroups.resolve("cgroup.controllers"));
    Path dir = (unified ? cgroups : cgroups.resolve("memory")).resolve(name);
    Files.createDirectory(dir);
    try {
      Files.writeString(dir.resolve(unified ? "memory.max" : "memory.limit_in_bytes"), "67108864");
      MemoryUsage m = new PodCgroupMemory(cgroups).of("/" + name, 1).orElseThrow();
      assertTrue(m.hasAvailableBytes());
      assertEquals(67108864 - m.getWorkingSetBytes().getValue(), m.getAvailableBytes().getValue());
    } finally {
      Files.delete(dir);
    }
  }
}
