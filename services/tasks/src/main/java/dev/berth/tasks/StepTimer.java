package dev.berth.tasks;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Where an operation's time goes, logged as one line at FINE (berthd's debug mode), e.g.
 * {@code create task web: bundle 2.1 ms, conmon 31.0 ms, attach 0.4 ms}.
 */
final class StepTimer {
  private static final Logger LOG = Logger.getLogger(StepTimer.class.getName());

  private final String what;
  private final boolean enabled = LOG.isLoggable(Level.FINE);
  private final StringBuilder steps = new StringBuilder();
  private long last = System.nanoTime();

  StepTimer(String what) {
    this.what = what;
  }

  void step(String name) {
    if (enabled) {
      long now = System.nanoTime();
      steps.append(steps.length() == 0 ? ": " : ", ").append(name).append(' ')
          .append(String.format("%.1f ms", (now - last) / 1e6));
      last = now;
    }
  }

  void done() {
    if (enabled) {
      LOG.fine(what + steps);
    }
  }
}
