package dev.berth.ctl.terminal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.berth.ctl.Io;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;

/** Signals raised in this JVM reach the handlers as a signal from outside would. */
class SignalForwardingTest {
  private final BlockingQueue<Integer> forwarded = new LinkedBlockingQueue<>();

  private int next() throws InterruptedException {
    Integer n = forwarded.poll(10, TimeUnit.SECONDS);
    return n == null ? -1 : n;
  }

  @Test
  void everyCatchableSignalGoesOnNotOnlyIntAndTerm() throws Exception {
    try (SignalForwarding f = SignalForwarding.install(forwarded::add, null)) {
      for (String name : new String[] {"HUP", "USR1", "ALRM", "WINCH"}) {
        Signal signal = new Signal(name);
        Signal.raise(signal);
        assertEquals(signal.getNumber(), next(), name);
      }
    }
  }

  @Test
  void withATerminalWinchResizesAndNothingIsForwarded() throws Exception {
    try (SignalForwarding f = SignalForwarding.install(null, () -> forwarded.add(0))) {
      Signal.raise(new Signal("WINCH"));
      assertEquals(0, next());
    }
  }

  @Test
  void aSignalNotedWhileTheContainerStartedIsForwardedOnceItRuns() throws Exception {
    Io console = new Io(InputStream.nullInputStream(), new ByteArrayOutputStream(),
        new PrintStream(new ByteArrayOutputStream()), Map.of(), false, true);
    try (StartupSignals startup = StartupSignals.install(console)) {
      Signal.raise(new Signal("INT"));
      for (int i = 0; i < 200 && !startup.received(); i++) {
        Thread.sleep(10);
      }
      try (SignalForwarding f = SignalForwarding.install(forwarded::add, null)) {
        startup.forwardTo(forwarded::add);
        assertEquals(new Signal("INT").getNumber(), next());
        // forwarded, so no longer a reason to remove the container
        assertEquals(false, startup.received());
      }
    }
  }
}
