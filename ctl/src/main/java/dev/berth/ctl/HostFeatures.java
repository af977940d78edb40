package dev.berth.ctl;

import dev.berth.api.mount.MountInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What this host's cgroups and network let containers have, and the warnings {@code docker info}
 * prints for what they lack, computed as Docker 27.5's daemon does (its pkg/sysinfo and
 * fillPlatformInfo): on cgroup v1 (legacy or hybrid) from the control files at the root of each
 * controller's hierarchy, on cgroup v2 from the controllers of {@code /sys/fs/cgroup}.
 */
record HostFeatures(boolean cgroupV2, boolean memoryLimit, boolean swapLimit, boolean kernelMemory,
    boolean kernelMemoryTcp, boolean oomKillDisable, boolean cpuCfs, boolean cpuShares, boolean cpuSet,
    boolean pidsLimit, boolean ipv4Forwarding, boolean bridgeNfIptables, boolean bridgeNfIp6tables,
    Blkio blkio) {

  /** The block I/O limits the kernel takes (cgroup v1 blkio, v2 io), which info only warns about. */
  record Blkio(boolean weight, boolean weightDevice, boolean readBps, boolean writeBps, boolean readIops,
      boolean writeIops) {}

  /** This host's, as berthd (on the same host) has them. */
  static HostFeatures read() {
    try {
      return read(MountInfo.read(MountInfo.SELF), Files.readAllLines(Path.of("/proc/self/cgroup")),
          Path.of("/sys/fs/cgroup"), Path.of("/proc/sys/net"));
    } catch (IOException e) {
      // as Docker's daemon when it cannot read them: no cgroup features
      return read(List.of(), List.of(), Path.of("/sys/fs/cgroup"), Path.of("/proc/sys/net"));
    }
  }

  /**
   * @param mounts the mount table; cgroup v2 is the mode when cgroup2 is mounted at
   *     {@code cgroupRoot} itself, as Docker's containerd/cgroups decides
   * @param selfCgroup the lines of /proc/self/cgroup: which v1 hierarchies count, and the v2 group
   * @param procSysNet /proc/sys/net, for forwarding and the bridge netfilter calls
   */
  static HostFeatures read(List<MountInfo> mounts, List<String> selfCgroup, Path cgroupRoot, Path procSysNet) {
    boolean ipv4Forwarding = isOne(procSysNet.resolve("ipv4/ip_forward"));
    boolean bridgeNfIptables = isOne(procSysNet.resolve("bridge/bridge-nf-call-iptables"));
    boolean bridgeNfIp6tables = isOne(procSysNet.resolve("bridge/bridge-nf-call-ip6tables"));
    boolean unified = mounts.stream()
        .anyMatch(m -> m.fsType().equals("cgroup2") && m.mountPoint().equals(cgroupRoot));
    if (unified) {
      Set<String> controllers = new HashSet<>(List.of(readOr(cgroupRoot.resolve("cgroup.controllers")).split("\\s+")));
      boolean memory = controllers.contains("memory");
      // the swap limit of the group this process is in, as Docker's daemon looks at its own
      boolean swap = memory && selfCgroup.stream().filter(l -> l.startsWith("0::")).findFirst()
          .map(l -> Files.exists(cgroupRoot.resolve(l.substring(3).replaceFirst("^/+", "")).resolve("memory.swap.max")))
          .orElse(false);
      boolean cpu = controllers.contains("cpu");
      boolean io = controllers.contains("io");
      return new HostFeatures(true, memory, swap, false, false, false, cpu, cpu, controllers.contains("cpuset"),
          controllers.contains("pids"), ipv4Forwarding, bridgeNfIptables, bridgeNfIp6tables,
          new Blkio(io, io, io, io, io, io));
    }
    Map<String, Path> v1 = v1Hierarchies(mounts, selfCgroup);
    Path memory = v1.get("memory");
    Path cpu = v1.get("cpu");
    Path blkio = v1.get("blkio");
    return new HostFeatures(false, memory != null, has(memory, "memory.memsw.limit_in_bytes"),
        has(memory, "memory.kmem.limit_in_bytes"), has(memory, "memory.kmem.tcp.limit_in_bytes"),
        has(memory, "memory.oom_control"), has(cpu, "cpu.cfs_quota_us"), has(cpu, "cpu.shares"),
        v1.containsKey("cpuset"), v1.containsKey("pids"), ipv4Forwarding, bridgeNfIptables, bridgeNfIp6tables,
        new Blkio(has(blkio, "blkio.weight"), has(blkio, "blkio.weight_device"),
            has(blkio, "blkio.throttle.read_bps_device"), has(blkio, "blkio.throttle.write_bps_device"),
            has(blkio, "blkio.throttle.read_iops_device"), has(blkio, "blkio.throttle.write_iops_device")));
  }

  /**
   * Where each v1 hierarchy this process is in is mounted: the first cgroup (v1) mount naming it
   * among its options; a mount of a hierarchy the process is not in does not count.
   */
  private static Map<String, Path> v1Hierarchies(List<MountInfo> mounts, List<String> selfCgroup) {
    Set<String> own = new HashSet<>();
    for (String line : selfCgroup) {
      String[] parts = line.split(":", 3);
      if (parts.length == 3) {
        for (String subsystem : parts[1].split(",")) {
          if (!subsystem.isEmpty()) {
            own.add(subsystem);
          }
        }
      }
    }
    Map<String, Path> points = new HashMap<>();
    for (MountInfo m : mounts) {
      if (m.fsType().equals("cgroup")) {
        for (String option : m.superOptions().split(",")) {
          if (own.contains(option)) {
            points.putIfAbsent(option.replaceFirst("^name=", ""), m.mountPoint());
          }
        }
      }
    }
    return points;
  }

  /** The cgroup version docker info shows. */
  String cgroupVersion() {
    return cgroupV2 ? "2" : "1";
  }

  /**
   * The boolean fields of Docker's system.Info from MemoryLimit to BridgeNfIp6tables, in its
   * order, under its JSON keys; the kernel memory ones are omitempty there, so left out when
   * false. (OomKillDisable comes later, after Debug.)
   */
  Map<String, Boolean> limits() {
    Map<String, Boolean> fields = new LinkedHashMap<>();
    fields.put("MemoryLimit", memoryLimit);
    fields.put("SwapLimit", swapLimit);
    if (kernelMemory) {
      fields.put("KernelMemory", true);
    }
    if (kernelMemoryTcp) {
      fields.put("KernelMemoryTCP", true);
    }
    fields.put("CpuCfsPeriod", cpuCfs);
    fields.put("CpuCfsQuota", cpuCfs);
    fields.put("CPUShares", cpuShares);
    fields.put("CPUSet", cpuSet);
    fields.put("PidsLimit", pidsLimit);
    fields.put("IPv4Forwarding", ipv4Forwarding);
    fields.put("BridgeNfIptables", bridgeNfIptables);
    fields.put("BridgeNfIp6tables", bridgeNfIp6tables);
    return fields;
  }

  /** Docker's warnings, in its order, for what is missing (null for none, as Docker's JSON has it). */
  List<String> warnings() {
    List<String> w = new ArrayList<>();
    if (!memoryLimit) {
      w.add("WARNING: No memory limit support");
    }
    if (!swapLimit) {
      w.add("WARNING: No swap limit support");
    }
    // v2 has neither, and there is nothing one could do about it there
    if (!kernelMemoryTcp && !cgroupV2) {
      w.add("WARNING: No kernel memory TCP limit support");
    }
    if (!oomKillDisable && !cgroupV2) {
      w.add("WARNING: No oom kill disable support");
    }
    if (!cpuCfs) {
      w.add("WARNING: No cpu cfs quota support");
      w.add("WARNING: No cpu cfs period support");
    }
    if (!cpuShares) {
      w.add("WARNING: No cpu shares support");
    }
    if (!cpuSet) {
      w.add("WARNING: No cpuset support");
    }
    // v1's blkio weight went with kernel 5.0: Docker warns of the weights on v2 only
    if (!blkio.weight() && cgroupV2) {
      w.add("WARNING: No io.weight support");
    }
    if (!blkio.weightDevice() && cgroupV2) {
      w.add("WARNING: No io.weight (per device) support");
    }
    if (!blkio.readBps()) {
      w.add(cgroupV2 ? "WARNING: No io.max (rbps) support" : "WARNING: No blkio throttle.read_bps_device support");
    }
    if (!blkio.writeBps()) {
      w.add(cgroupV2 ? "WARNING: No io.max (wbps) support" : "WARNING: No blkio throttle.write_bps_device support");
    }
    if (!blkio.readIops()) {
      w.add(cgroupV2 ? "WARNING: No io.max (riops) support" : "WARNING: No blkio throttle.read_iops_device support");
    }
    if (!blkio.writeIops()) {
      w.add(cgroupV2 ? "WARNING: No io.max (wiops) support" : "WARNING: No blkio throttle.write_iops_device support");
    }
    if (!ipv4Forwarding) {
      w.add("WARNING: IPv4 forwarding is disabled");
    }
    return w.isEmpty() ? null : w;
  }

  private static boolean has(Path hierarchy, String file) {
    return hierarchy != null && Files.exists(hierarchy.resolve(file));
  }

  private static boolean isOne(Path file) {
    return readOr(file).strip().equals("1");
  }

  private static String readOr(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "";
    }
  }
}
