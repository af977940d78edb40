package dev.berth.daemon;

import java.time.Duration;
import java.time.Instant;
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
  private final Instant processStart = ProcessHandle.current().info().startInstant().orElse(Instant.now());
  private long last = System.nanoTime();

  StartupSteps() {
    append("jvm", Duration.between(processStart, Instant.now()).toMillis());
  }

  void step(String name) {
    long now = System.nanoTime();
    append(name, (now - last) / 1_000_000);
    last = now;
  }

  /** Milliseconds since the process started. */
  long sinceProcessStart() {
    return Duration.between(processStart, Instant.now()).toMillis();
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
