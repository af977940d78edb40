package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.mount.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hierarchies and /proc/sys/net made of plain files, so every branch of Docker's rules is reached. */
class HostFeaturesTest {
  @TempDir
  Path dir;

  private Path touch(String relative) throws IOException {
    Path file = dir.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "");
    return file;
  }

  private Path net(String ipForward, String bridge) throws IOException {
    Files.writeString(touch("net/ipv4/ip_forward"), ipForward + "\n");
    if (bridge != null) {
      Files.writeString(touch("net/bridge/bridge-nf-call-iptables"), bridge + "\n");
      Files.writeString(touch("net/bridge/bridge-nf-call-ip6tables"), bridge + "\n");
    }
    return dir.resolve("net");
  }

  private String mount(int id, String point, String type, String options) {
    return id + " 31 0:" + id + " / " + dir.resolve(point) + " rw,relatime - " + type + " " + type + " " + options;
  }

  @Test
  void aHybridHostLikeThisOneHasEveryV1FeatureAndNoWarningWhereTheFilesAreThere() throws IOException {
    for (String f : List.of("memory.memsw.limit_in_bytes", "memory.kmem.limit_in_bytes",
        "memory.kmem.tcp.limit_in_bytes", "memory.oom_control")) {
      touch("cg/memory/" + f);
    }
    touch("cg/cpu/cpu.cfs_quota_us");
    touch("cg/cpu/cpu.shares");
    // this kernel's blkio has the throttles but no weights (gone with 5.0), which Docker's v1 never warns of
    for (String f : List.of("read_bps_device", "write_bps_device", "read_iops_device", "write_iops_device")) {
      touch("cg/blkio/blkio.throttle." + f);
    }
    Files.createDirectories(dir.resolve("cg/cpuset"));
    Files.createDirectories(dir.resolve("cg/pids"));
    List<MountInfo> mounts = MountInfo.parse(List.of(mount(32, "cg/cpu", "cgroup", "rw,cpu"),
        mount(34, "cg/cpuset", "cgroup", "rw,cpuset"), mount(35, "cg/memory", "cgroup", "rw,memory"),
        mount(38, "cg/blkio", "cgroup", "rw,blkio"), mount(39, "cg/pids", "cgroup", "rw,pids"),
        mount(40, "cg/systemd", "cgroup", "rw,name=systemd"), mount(41, "cg/unified", "cgroup2", "rw")));
    List<String> self = List.of("9:name=systemd:/", "8:pids:/", "7:blkio:/", "4:memory:/some/where", "3:cpuset:/",
        "1:cpu:/", "0::/");

    HostFeatures host = HostFeatures.read(mounts, self, dir.resolve("cg"), net("1", "1"));

    assertEquals("1", host.cgroupVersion());
    assertEquals(Map.ofEntries(Map.entry("MemoryLimit", true), Map.entry("SwapLimit", true),
        Map.entry("KernelMemory", true), Map.entry("KernelMemoryTCP", true), Map.entry("CpuCfsPeriod", true),
        Map.entry("CpuCfsQuota", true), Map.entry("CPUShares", true), Map.entry("CPUSet", true),
        Map.entry("PidsLimit", true), Map.entry("IPv4Forwarding", true), Map.entry("BridgeNfIptables", true),
        Map.entry("BridgeNfIp6tables", true)), host.limits());
    assertEquals(List.of("MemoryLimit", "SwapLimit", "KernelMemory", "KernelMemoryTCP", "CpuCfsPeriod", "CpuCfsQuota",
        "CPUShares", "CPUSet", "PidsLimit", "IPv4Forwarding", "BridgeNfIptables", "BridgeNfIp6tables"),
        List.copyOf(host.limits().keySet()), "Docker's order");
    assertTrue(host.oomKillDisable());
    assertNull(host.warnings(), "Docker's daemon has no warning on such a host: null in its JSON");
  }

  @Test
  void aV1HostMissingControlFilesGetsDockersWarningsInDockersOrder() throws IOException {
    Files.createDirectories(dir.resolve("cg/memory"));
    Files.createDirectories(dir.resolve("cg/blkio"));
    // cpu is mounted but this process is not in its hierarchy: Docker does not count it
    touch("cg/cpu/cpu.shares");
    List<MountInfo> mounts = MountInfo.parse(List.of(mount(32, "cg/cpu", "cgroup", "rw,cpu"),
        mount(35, "cg/memory", "cgroup", "rw,memory"), mount(38, "cg/blkio", "cgroup", "rw,blkio")));

    HostFeatures host = HostFeatures.read(mounts, List.of("4:memory:/", "7:blkio:/"), dir.resolve("cg"),
        net("0", null));

    assertEquals(false, host.limits().get("CPUShares"));
    assertFalse(host.limits().containsKey("KernelMemory"), "omitempty in Docker's JSON");
    assertFalse(host.limits().containsKey("KernelMemoryTCP"), "omitempty in Docker's JSON");
    assertEquals(false, host.limits().get("BridgeNfIptables"));
    assertEquals(List.of("WARNING: No swap limit support", "WARNING: No kernel memory TCP limit support",
        "WARNING: No oom kill disable support", "WARNING: No cpu cfs quota support",
        "WARNING: No cpu cfs period support", "WARNING: No cpu shares support", "WARNING: No cpuset support",
        "WARNING: No blkio throttle.read_bps_device support", "WARNING: No blkio throttle.write_bps_device support",
        "WARNING: No blkio throttle.read_iops_device support", "WARNING: No blkio throttle.write_iops_device support",
        "WARNING: IPv4 forwarding is disabled"), host.warnings());
  }

  @Test
  void aV2HostReadsTheControllersOfTheRootGroupAndTheSwapFileOfItsOwn() throws IOException {
    Files.writeString(touch("cg/cgroup.controllers"), "cpuset cpu pids memory\n");
    touch("cg/system.slice/berthd.service/memory.swap.max");
    List<MountInfo> mounts = MountInfo.parse(List.of(mount(30, "cg", "cgroup2", "rw,nsdelegate")));

    HostFeatures host = HostFeatures.read(mounts, List.of("0::/system.slice/berthd.service"), dir.resolve("cg"),
        net("1", "0"));

    assertEquals("2", host.cgroupVersion());
    assertEquals(true, host.limits().get("SwapLimit"));
    assertEquals(true, host.limits().get("CpuCfsQuota"));
    assertFalse(host.limits().containsKey("KernelMemory"));
    assertFalse(host.oomKillDisable());
    // no kernel memory or oom warnings on v2, the io ones under their v2 names
    assertEquals(List.of("WARNING: No io.weight support", "WARNING: No io.weight (per device) support",
        "WARNING: No io.max (rbps) support", "WARNING: No io.max (wbps) support", "WARNING: No io.max (riops) support",
        "WARNING: No io.max (wiops) support"), host.warnings());
  }
}
