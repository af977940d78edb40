package dev.berth.tasks.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Looks at a monitor process through /proc (it is no child of a restarted berthd). */
final class Monitors {
  private Monitors() {}

  /** Whether {@code pid} exists and has not ended (a zombie nobody reaped counts as ended). */
  static boolean isRunning(int pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      int close = stat.lastIndexOf(')');
      return close > 0 && close + 2 < stat.length() && stat.charAt(close + 2) != 'Z' && stat.charAt(close + 2) != 'X';
    } catch (IOException e) {
      return false;
    }
  }

  /** Whether {@code pid} is a conmon, so that a recycled pid is never signalled. */
  static boolean isConmon(int pid) {
    try {
      return Files.readString(Path.of("/proc/" + pid + "/comm")).trim().equals("conmon");
    } catch (IOException e) {
      return false;
    }
  }
}
