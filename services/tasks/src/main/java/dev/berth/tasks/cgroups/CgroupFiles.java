package dev.berth.tasks.cgroups;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Reads the small text files of a cgroup directory; a missing file reads as nothing. */
final class CgroupFiles {
  /** What containerd reports for "max" where a number is expected of a v2 memory limit. */
  static final long UNLIMITED = -1L;

  private CgroupFiles() {}

  static String read(Path dir, String name) {
    try {
      return Files.readString(dir.resolve(name)).trim();
    } catch (NoSuchFileException e) {
      return "";
    } catch (IOException e) {
      return "";
    }
  }

  /** A single number; {@code max} reads as {@code whenMax}, a missing file as 0. */
  static long number(Path dir, String name, long whenMax) {
    String s = read(dir, name);
    if (s.isEmpty()) {
      return 0;
    }
    if (s.equals("max")) {
      return whenMax;
    }
    try {
      return Long.parseUnsignedLong(s.split("\\s+")[0]);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  static long number(Path dir, String name) {
    return number(dir, name, 0);
  }

  /** "key value" lines, as in memory.stat or cpu.stat. */
  static Map<String, Long> keyValues(Path dir, String name) {
    Map<String, Long> values = new HashMap<>();
    for (String line : read(dir, name).split("\n")) {
      String[] kv = line.trim().split("\\s+");
      if (kv.length == 2) {
        try {
          values.put(kv[0], Long.parseUnsignedLong(kv[1]));
        } catch (NumberFormatException e) {
          // a value that is not a number has nothing to contribute
        }
      }
    }
    return values;
  }

  /** Whitespace-separated numbers on one line, as in cpuacct.usage_percpu. */
  static List<Long> numbers(Path dir, String name) {
    List<Long> values = new ArrayList<>();
    for (String s : read(dir, name).split("\\s+")) {
      if (!s.isEmpty()) {
        try {
          values.add(Long.parseUnsignedLong(s));
        } catch (NumberFormatException e) {
          // skip
        }
      }
    }
    return values;
  }
}
