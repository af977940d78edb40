package dev.berth.tasks.cgroups;

import dev.berth.api.mount.MountInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Where the host's cgroup hierarchies are mounted, read from /proc/self/mountinfo: v1
 * controllers each on their own mount (legacy), v1 plus a cgroup2 mount (hybrid, as on this
 * machine), or cgroup2 alone (unified).
 */
public final class CgroupLayout {
  public enum Mode { LEGACY, HYBRID, UNIFIED }

  /** The key under which {@link #cgroupDirs} names the cgroup2 directory. */
  public static final String UNIFIED_KEY = "unified";

  private static final Set<String> V1_CONTROLLERS = Set.of("cpu", "cpuacct", "cpuset", "memory", "devices",
      "freezer", "net_cls", "net_prio", "blkio", "perf_event", "hugetlb", "pids", "rdma", "misc");

  private record Mount(Path point, String root) {}

  private final Map<String, Mount> v1;
  private final Optional<Mount> unified;

  private CgroupLayout(Map<String, Mount> v1, Optional<Mount> unified) {
    this.v1 = v1;
    this.unified = unified;
  }

  public static CgroupLayout detect() {
    try {
      return parse(Files.readAllLines(Path.of("/proc/self/mountinfo")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read /proc/self/mountinfo", e);
    }
  }

  static CgroupLayout parse(List<String> mountinfo) {
    Map<String, Mount> v1 = new LinkedHashMap<>();
    Optional<Mount> unified = Optional.empty();
    for (MountInfo m : MountInfo.parse(mountinfo)) {
      Mount mount = new Mount(m.mountPoint(), m.root());
      if (m.fsType().equals("cgroup2") && unified.isEmpty()) {
        unified = Optional.of(mount);
      } else if (m.fsType().equals("cgroup")) {
        for (String option : m.superOptions().split(",")) {
          if (V1_CONTROLLERS.contains(option)) {
            v1.putIfAbsent(option, mount);
          }
        }
      }
    }
    return new CgroupLayout(v1, unified);
  }

  public Mode mode() {
    if (v1.isEmpty()) {
      return Mode.UNIFIED;
    }
    return unified.isPresent() ? Mode.HYBRID : Mode.LEGACY;
  }

  /**
   * Whether crun can run here: crun 1.8 refuses a hybrid layout whose cgroup2 hierarchy holds
   * controllers ("cgroups in hybrid mode not supported").
   */
  public boolean allowsCrun() {
    if (mode() != Mode.HYBRID) {
      return true;
    }
    try {
      return Files.readString(unified.get().point().resolve("cgroup.controllers")).isBlank();
    } catch (IOException e) {
      return true;
    }
  }

  /**
   * The cgroup directories {@code pid} belongs to, by controller (v1) and under
   * {@link #UNIFIED_KEY} (v2), from /proc/&lt;pid&gt;/cgroup.
   */
  public Map<String, Path> cgroupDirs(int pid) throws IOException {
    Map<String, Path> dirs = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
      String[] parts = line.split(":", 3);
      if (parts.length < 3) {
        continue;
      }
      if (parts[0].equals("0") && parts[1].isEmpty()) {
        unified.ifPresent(m -> dirs.put(UNIFIED_KEY, under(m, parts[2])));
        continue;
      }
      for (String controller : parts[1].split(",")) {
        Mount m = v1.get(controller);
        if (m != null) {
          dirs.put(controller, under(m, parts[2]));
        }
      }
    }
    return dirs;
  }

  /** The directory of cgroup {@code path} in a hierarchy mounted from {@code mount.root}. */
  private static Path under(Mount mount, String path) {
    String relative = path;
    if (!mount.root().equals("/") && relative.startsWith(mount.root())) {
      relative = relative.substring(mount.root().length());
    }
    relative = relative.replaceFirst("^/+", "");
    return relative.isEmpty() ? mount.point() : mount.point().resolve(relative);
  }
}
