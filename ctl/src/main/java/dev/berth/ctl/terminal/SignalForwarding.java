package dev.berth.ctl.terminal;

import dev.berth.client.containers.Signals;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Handles signals berthctl receives while a container runs attached: SIGINT and SIGTERM go on to
 * the container (docker's --sig-proxy), SIGWINCH resizes its terminal. Closing puts the JVM's
 * own handlers back.
 */
public final class SignalForwarding implements AutoCloseable {
  private final List<Signal> signals = new ArrayList<>();
  private final List<SignalHandler> previous = new ArrayList<>();

  private SignalForwarding() {}

  /** Nothing handled: for streams that are not the process's own (tests). */
  public static SignalForwarding none() {
    return new SignalForwarding();
  }

  /**
   * @param forward receives SIGINT and SIGTERM's numbers, unless null (in terminal mode ^C reaches
   *     the container as a key)
   * @param resize runs on SIGWINCH, unless null
   */
  public static SignalForwarding install(IntConsumer forward, Runnable resize) {
    SignalForwarding f = new SignalForwarding();
    if (forward != null) {
      f.handle("INT", s -> forward.accept(Signals.SIGINT));
      f.handle("TERM", s -> forward.accept(Signals.SIGTERM));
    }
    if (resize != null) {
      f.handle("WINCH", s -> resize.run());
    }
    return f;
  }

  private void handle(String name, SignalHandler handler) {
    Signal signal = new Signal(name);
    previous.add(Signal.handle(signal, handler));
    signals.add(signal);
  }

  @Override
  public void close() {
    for (int i = 0; i < signals.size(); i++) {
      Signal.handle(signals.get(i), previous.get(i));
    }
  }
}
