package dev.berth.client.containers;

import dev.berth.client.ClientException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/** Linux signal numbers by name, for {@code kill -s}, {@code --stop-signal} and forwarding. */
public final class Signals {
  public static final int SIGINT = 2;
  public static final int SIGKILL = 9;
  public static final int SIGTERM = 15;

  /** Real-time signals run from SIGRTMIN (34 with glibc) to SIGRTMAX. */
  private static final int MIN_REALTIME = 34;
  private static final int MAX = 64;
  /** The names Docker's daemon takes (moby's signal map for Linux), without their SIG. */
  private static final Map<String, Integer> NUMBERS = names();

  private static Map<String, Integer> names() {
    Map<String, Integer> names = new HashMap<>(Map.ofEntries(
        Map.entry("HUP", 1), Map.entry("INT", 2), Map.entry("QUIT", 3), Map.entry("ILL", 4), Map.entry("TRAP", 5),
        Map.entry("ABRT", 6), Map.entry("IOT", 6), Map.entry("BUS", 7), Map.entry("FPE", 8), Map.entry("KILL", 9),
        Map.entry("USR1", 10), Map.entry("SEGV", 11), Map.entry("USR2", 12), Map.entry("PIPE", 13),
        Map.entry("ALRM", 14), Map.entry("TERM", 15), Map.entry("STKFLT", 16), Map.entry("CHLD", 17),
        Map.entry("CLD", 17), Map.entry("CONT", 18), Map.entry("STOP", 19), Map.entry("TSTP", 20),
        Map.entry("TTIN", 21), Map.entry("TTOU", 22), Map.entry("URG", 23), Map.entry("XCPU", 24),
        Map.entry("XFSZ", 25), Map.entry("VTALRM", 26), Map.entry("PROF", 27), Map.entry("WINCH", 28),
        Map.entry("IO", 29), Map.entry("POLL", 29), Map.entry("PWR", 30), Map.entry("SYS", 31)));
    // RTMIN+3 is systemd's stop signal, the usual --stop-signal of a container running systemd
    names.put("RTMIN", MIN_REALTIME);
    names.put("RTMAX", MAX);
    for (int i = 1; i <= 15; i++) {
      names.put("RTMIN+" + i, MIN_REALTIME + i);
    }
    for (int i = 1; i <= 14; i++) {
      names.put("RTMAX-" + i, MAX - i);
    }
    return Map.copyOf(names);
  }

  private Signals() {}

  /**
   * {@code KILL}, {@code SIGKILL}, {@code sigkill}, {@code SIGRTMIN+3} or {@code 9}; a
   * ClientException for anything else.
   */
  public static int parse(String text) {
    if (text.matches("\\d{1,2}")) {
      int n = Integer.parseInt(text);
      if (n >= 1 && n <= MAX) {
        return n;
      }
    }
    String name = text.toUpperCase(Locale.ROOT);
    if (name.startsWith("SIG")) {
      name = name.substring(3);
    }
    Integer n = NUMBERS.get(name);
    if (n == null) {
      throw new ClientException("invalid signal: " + text);
    }
    return n;
  }
}
