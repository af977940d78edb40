package dev.berth.api.mount;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a process's mount table ({@code /proc/PID/mountinfo}), the fields Berth reads:
 * the mounted directory of its file system ({@code root}), where it is mounted, its type and its
 * super-block options, unescaped.
 */
public record MountInfo(String root, Path mountPoint, String fsType, String superOptions) {
  /** The mount table of this process. */
  public static final Path SELF = Path.of("/proc/self/mountinfo");

  public static List<MountInfo> read(Path mountinfo) throws IOException {
    return parse(Files.readAllLines(mountinfo, StandardCharsets.UTF_8));
  }

  /**
   * {@code ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - TYPE SOURCE SUPER_OPTIONS};
   * lines not of that shape are skipped.
   */
  public static List<MountInfo> parse(List<String> lines) {
    List<MountInfo> mounts = new ArrayList<>();
    for (String line : lines) {
      int dash = line.indexOf(" - ");
      if (dash < 0) {
        continue;
      }
      String[] left = line.substring(0, dash).split(" ");
      String[] right = line.substring(dash + 3).split(" ");
      if (left.length < 5 || right.length < 3) {
        continue;
      }
      mounts.add(new MountInfo(unescape(left[3]), Path.of(unescape(left[4])), right[0], unescape(right[2])));
    }
    return mounts;
  }

  /** mountinfo escapes space, tab, newline and backslash as three-digit octal. */
  private static String unescape(String s) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 3 < s.length()) {
        String octal = s.substring(i + 1, i + 4);
        if (octal.matches("[0-7]{3}")) {
          b.append((char) Integer.parseInt(octal, 8));
          i += 3;
          continue;
        }
      }
      b.append(c);
    }
    return b.toString();
  }
}
