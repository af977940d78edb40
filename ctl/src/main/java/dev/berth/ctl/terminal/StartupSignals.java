package dev.berth.ctl.terminal;

import dev.berth.ctl.Io;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM while a container is being made and started: noted instead of ending
 * berthctl there and then, so that the command can remove what it made so far (Docker leaves no
 * "Created" container and no runtime process waiting for a start that never comes). Once the
 * container runs, one that came meanwhile is no reason to remove it: {@link #forwardTo} passes it
 * on, {@link #startupDone} raises it again for the usual handling.
 */
public final class StartupSignals implements AutoCloseable {
  /** The exit code of a command a SIGINT ended, as a shell reports it. */
  public static final int INTERRUPTED_EXIT = 130;

  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();
  private volatile Signal received;
  /**
   * What a signal does once the start is over. The JVM runs a handler on a thread of its own, so
   * a signal that came while the start returned may reach its handler here after {@link #forwardTo}
   * or {@link #startupDone} have looked for it: it is then passed on or raised, not lost.
   */
  private Consumer<Signal> late;

  private StartupSignals() {}

  /** Handlers for the process's own signals; none for streams that are not the console's (tests). */
  public static StartupSignals install(Io io) {
    StartupSignals s = new StartupSignals();
    if (io.console()) {
      for (String name : List.of("INT", "TERM")) {
        Signal signal = new Signal(name);
        s.previous.add(Signal.handle(signal, s::handle));
        s.signals.add(signal);
      }
    }
    return s;
  }

  /** Whether a signal asked berthctl to stop meanwhile. */
  public boolean received() {
    return received != null;
  }

  /**
   * The container runs and its signals are forwarded by a handler installed over these ones: a
   * signal noted since goes to {@code forward}, as it would have had it come a moment later.
   */
  public void forwardTo(IntConsumer forward) {
    after(signal -> forward.accept(signal.getNumber()));
  }

  /**
   * The container runs: signals are handled as before; one noted since is raised again, so that
   * it ends berthctl as it would have a moment later (leaving the running container be).
   */
  public void startupDone() {
    restore();
    after(Signal::raise);
  }

  private void handle(Signal signal) {
    Consumer<Signal> act;
    synchronized (this) {
      act = late;
      if (act == null) {
        received = signal;
      }
    }
    if (act != null) {
      act.accept(signal);
    }
  }

  /** From now on a signal does {@code act}; so does the one noted, if any. */
  private void after(Consumer<Signal> act) {
    Signal noted;
    synchronized (this) {
      late = act;
      noted = received;
      received = null;
    }
    if (noted != null) {
      act.accept(noted);
    }
  }

  /** Handlers as before; a signal noted and not yet acted on was the command's to act on. */
  @Override
  public void close() {
    restore();
  }

  private synchronized void restore() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
    signals.clear();
    previous.clear();
  }
}
