package dev.berth.ctl.terminal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Handles signals berthctl receives while a container runs attached: with docker's --sig-proxy
 * every signal a process can catch goes on to the container, SIGWINCH resizes its terminal.
 * Closing puts the JVM's own handlers back.
 */
public final class SignalForwarding implements AutoCloseable {
  /**
   * What docker's sig-proxy passes on: all but SIGCHLD, SIGPIPE and SIGURG, which concern
   * berthctl itself, and the faults (SEGV, BUS, ...) the JVM keeps for itself. One the JVM
   * refuses to give up (QUIT, its thread dump unless run with -Xrs) is skipped.
   */
  private static final List<String> PROXIED = List.of("HUP", "INT", "QUIT", "USR1", "USR2", "ALRM", "TERM",
      "STKFLT", "CONT", "TSTP", "TTIN", "TTOU", "XCPU", "XFSZ", "VTALRM", "PROF", "IO", "PWR");

  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  private SignalForwarding() {}

  /** Nothing handled: for streams that are not the process's own (tests). */
  public static SignalForwarding none() {
    return new SignalForwarding();
  }

  /**
   * @param forward receives the number of each proxied signal, unless null (in terminal mode ^C
   *     reaches the container as a key); SIGWINCH too when there is no {@code resize}
   * @param resize runs on SIGWINCH, unless null
   */
  public static SignalForwarding install(IntConsumer forward, Runnable resize) {
    SignalForwarding f = new SignalForwarding();
    if (forward != null) {
      for (String name : PROXIED) {
        f.handle(name, s -> forward.accept(s.getNumber()));
      }
    }
    if (resize != null) {
      f.handle("WINCH", s -> resize.run());
    } else if (forward != null) {
      f.handle("WINCH", s -> forward.accept(s.getNumber()));
    }
    return f;
  }

  private void handle(String name, SignalHandler handler) {
    Signal signal;
    SignalHandler replaced;
    try {
      signal = new Signal(name);
      replaced = Signal.handle(signal, handler);
    } catch (IllegalArgumentException e) {
      // unknown on this system, or used by the JVM: it keeps its meaning for berthctl
      return;
    }
    previous.add(replaced);
    signals.add(signal);
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
