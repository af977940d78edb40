package dev.berth.ctl.terminal;

import dev.berth.ctl.Io;
import java.util.ArrayList;
import java.util.List;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM while a container is being made and started: noted instead of ending
 * berthctl there and then, so that the command can remove what it made so far (Docker leaves no
 * "Created" container and no runtime process waiting for a start that never comes). Once the
 * container runs, {@link #startupDone} gives the signals back to their usual handling.
 */
public final class StartupSignals implements AutoCloseable {
  /** The exit code of a command a SIGINT ended, as a shell reports it. */
  public static final int INTERRUPTED_EXIT = 130;

  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private volatile boolean received;

  private StartupSignals() {}

  /** Handlers for the process's own signals; none for streams that are not the console's (tests). */
  public static StartupSignals install(Io io) {
    StartupSignals s = new StartupSignals();
    if (io.console()) {
      for (String name : List.of("INT", "TERM")) {
        Signal signal = new Signal(name);
        s.previous.add(Signal.handle(signal, x -> s.received = true));
        s.signals.add(signal);
      }
    }
    return s;
  }

  /** Whether a signal asked berthctl to stop meanwhile. */
  public boolean received() {
    return received;
  }

  /** The container runs: signals are handled as before (or forwarded by whoever handles them next). */
  public synchronized void startupDone() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
    signals.clear();
    previous.clear();
  }

  @Override
  public void close() {
    startupDone();
  }
}
