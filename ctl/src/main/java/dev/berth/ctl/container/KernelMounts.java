package dev.berth.ctl.container;

import dev.berth.api.mount.MountInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Where a running container has the kernel's own file systems mounted (/proc, /sys, cgroups,
 * /dev/pts, /dev/mqueue ...), read from its process's mountinfo. Copying the container's files
 * leaves their content out, as Docker's copy from the container's root file system does: it is no
 * file of the container's, and reading some of it fails or never ends.
 */
final class KernelMounts {
  private static final Set<String> KERNEL_TYPES = Set.of("proc", "sysfs", "cgroup", "cgroup2", "devpts", "mqueue",
      "securityfs", "debugfs", "tracefs", "pstore", "bpf", "configfs", "fusectl", "binfmt_misc", "hugetlbfs");

  private KernelMounts() {}

  /** The mount points, as normalized paths under {@code root} ({@code /proc/PID/root}), of process {@code pid}. */
  static Set<Path> of(int pid, Path root) throws IOException {
    Set<Path> points = new HashSet<>();
    for (MountInfo m : MountInfo.read(Path.of("/proc", Integer.toString(pid), "mountinfo"))) {
      if (KERNEL_TYPES.contains(m.fsType())) {
        String point = m.mountPoint().toString();
        points.add((point.equals("/") ? root : root.resolve(point.substring(1))).normalize());
      }
    }
    return points;
  }
}
