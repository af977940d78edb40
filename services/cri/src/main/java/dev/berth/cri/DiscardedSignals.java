package dev.berth.cri;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Whether the kernel would drop a signal sent to a container's main process: the first process of
 * a PID namespace gets from outside only the signals it has a handler for (besides SIGKILL and
 * SIGSTOP). A stop's polite signal to such a process, sent before it set up its handler (a
 * container stopped just after it started) or when it never does, changes nothing however long the
 * grace period: the container would be killed at its end anyway.
 */
final class DiscardedSignals {
  private DiscardedSignals() {}

  /**
   * True when {@code pid} (as berthd sees it) is the first process of its PID namespace and has no
   * handler for {@code signal}; false when it is not, or when /proc does not say.
   */
  static boolean wouldDrop(int pid, int signal) {
    if (pid <= 0 || signal < 1 || signal > 64) {
      return false;
    }
    try {
      List<String> status = Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"));
      return namespaceInit(status) && !caught(status, signal);
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** NSpid lists the pid in each namespace from the outermost in: the innermost is 1 for an init. */
  private static boolean namespaceInit(List<String> status) {
    String[] pids = field(status, "NSpid:").trim().split("\\s+");
    return pids.length > 1 && pids[pids.length - 1].equals("1");
  }

  /** SigCgt is a hexadecimal mask of the signals with a handler, bit N-1 for signal N. */
  private static boolean caught(List<String> status, int signal) {
    long mask = Long.parseUnsignedLong(field(status, "SigCgt:").trim(), 16);
    return (mask & (1L << (signal - 1))) != 0;
  }

  private static String field(List<String> status, String name) {
    return status.stream().filter(l -> l.startsWith(name)).findFirst()
        .map(l -> l.substring(name.length()))
        .orElseThrow(() -> new IllegalStateException("no " + name));
  }
}
