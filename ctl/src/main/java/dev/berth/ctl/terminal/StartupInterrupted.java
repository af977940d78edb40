package dev.berth.ctl.terminal;

/** A signal asked berthctl to stop while a container was being started ({@link StartupSignals}). */
public final class StartupInterrupted extends RuntimeException {
  public StartupInterrupted() {
    super("interrupted while the container was being started");
  }
}
