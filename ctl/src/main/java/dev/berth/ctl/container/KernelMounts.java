package dev.berth.ctl.container;

import java.io.IOException;
import java.nio.file.Files;
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
    for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "mountinfo"))) {
      // ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER_OPTIONS
      String[] fields = line.split(" ");
      int dash = line.indexOf(" - ");
      if (fields.length < 5 || dash < 0) {
        continue;
      }
      String type = line.substring(dash + 3).split(" ", 2)[0];
      if (KERNEL_TYPES.contains(type)) {
        String point = unescape(fields[4]);
        points.add((point.equals("/") ? root : root.resolve(point.substring(1))).normalize());
      }
    }
    return points;
  }

  /** mountinfo writes space, tab, newline and backslash as octal escapes. */
  private static String unescape(String field) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < field.length(); i++) {
      char c = field.charAt(i);
      if (c == '\\' && i + 3 < field.length() && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
        out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
        i += 3;
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
