package dev.berth.ctl.output;

import dev.berth.ctl.DaemonError;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A list command's {@code --filter} that Docker's daemon would refuse, reported with its words
 * ({@code Error response from daemon: invalid filter 'foo'}), which scripts match, and then what
 * the command takes instead.
 */
public final class InvalidFilter {
  private InvalidFilter() {}

  /** A key the command does not filter by ({@code foo} of {@code foo=bar}). */
  public static DaemonError key(String key, List<String> keys) {
    return new DaemonError("invalid filter '" + key + "': expected "
        + keys.stream().map(k -> k + "=").collect(Collectors.joining(", ")));
  }

  /** A value {@code key} does not take; {@code expected} says what it does. */
  public static DaemonError value(String key, String value, String expected) {
    return new DaemonError("invalid filter '" + key + "=" + value + "': " + expected);
  }
}
