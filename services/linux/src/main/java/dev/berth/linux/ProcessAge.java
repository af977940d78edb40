package dev.berth.linux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How long this process has run, from the kernel's own counts: its start in /proc/self/stat and
 * the time since boot in /proc/uptime, both counted from the boot. The JDK's
 * {@code ProcessHandle.Info.startInstant()} adds the boot's wall-clock time, which /proc/stat gives
 * in whole seconds, so an age taken from it is off by up to a second.
 */
public final class ProcessAge {
  /** The kernel's clock ticks as /proc shows them (USER_HZ), 100 a second on Linux's architectures. */
  private static final double TICKS_PER_SECOND = 100;
  /** starttime is the 22nd field; counted from the state, the 3rd, after the command's parenthesis. */
  private static final int START_TIME_AFTER_STATE = 22 - 3;

  private ProcessAge() {}

  /** Empty where /proc cannot be read or parsed. */
  public static Optional<Duration> ofThisProcess() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // the command name may hold spaces and parentheses: the fields start after its last ')'
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long startTicks = Long.parseLong(fields[START_TIME_AFTER_STATE]);
      String uptime = Files.readString(Path.of("/proc/uptime"));
      double secondsSinceBoot = Double.parseDouble(uptime.substring(0, uptime.indexOf(' ')));
      return Optional.of(Duration.ofMillis(Math.round((secondsSinceBoot - startTicks / TICKS_PER_SECOND) * 1000)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }
}
