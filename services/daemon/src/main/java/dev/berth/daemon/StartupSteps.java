package dev.berth.daemon;

import dev.berth.linux.ProcessAge;
import java.time.Duration;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where berthd's start-up goes, from the process's start (the JVM's own start-up and the command
 * line) through each service group to the open sockets: one line at FINE (--debug), e.g.
 * {@code start-up: jvm 212 ms, component 35 ms, metadata 41 ms, ..., sockets 30 ms}.
 */
final class StartupSteps {
  private static final Logger LOG = Logger.getLogger("berthd");

  private final boolean enabled = LOG.isLoggable(Level.FINE);
  private final StringBuilder steps = new StringBuilder("start-up:");
  /** When the process started, on System.nanoTime()'s scale. */
  private final long processStart;
  private long last = System.nanoTime();

  StartupSteps() {
    processStart = last - ProcessAge.ofThisProcess().orElse(Duration.ZERO).toNanos();
    append("jvm", (last - processStart) / 1_000_000);
  }

  void step(String name) {
    long now = System.nanoTime();
    append(name, (now - last) / 1_000_000);
    last = now;
  }

  /** Milliseconds since the process started. */
  long sinceProcessStart() {
    return (System.nanoTime() - processStart) / 1_000_000;
  }

  void done() {
    if (enabled) {
      LOG.fine(steps.toString());
    }
  }

  private void append(String name, long millis) {
    if (enabled) {
      steps.append(steps.length() == "start-up:".length() ? " " : ", ").append(name).append(' ').append(millis).append(" ms");
    }
  }
}
