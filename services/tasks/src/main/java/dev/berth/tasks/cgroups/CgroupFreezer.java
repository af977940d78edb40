package dev.berth.tasks.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a task's cgroup is frozen (the runtime's pause), read from the freezer's own file:
 * cgroup v1's {@code freezer.state} where the task has a v1 freezer (as the runtime uses on a
 * hybrid host), else cgroup v2's {@code cgroup.freeze}.
 */
public final class CgroupFreezer {
  private CgroupFreezer() {}

  /**
   * @param cgroups the task's cgroup directories as {@link CgroupLayout#cgroupDirs} names them
   * @return empty when the task has no freezer to read
   */
  public static Optional<Boolean> isFrozen(Map<String, Path> cgroups) {
    Path v1 = cgroups.get("freezer");
    if (v1 != null) {
      // FREEZING is on its way there: the runtime's pause had begun
      return read(v1.resolve("freezer.state")).map(s -> !s.equals("THAWED"));
    }
    Path v2 = cgroups.get(CgroupLayout.UNIFIED_KEY);
    if (v2 != null) {
      return read(v2.resolve("cgroup.freeze")).map(s -> s.equals("1"));
    }
    return Optional.empty();
  }

  private static Optional<String> read(Path file) {
    try {
      return Optional.of(Files.readString(file).trim());
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
