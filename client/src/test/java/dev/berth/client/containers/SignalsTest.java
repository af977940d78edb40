package dev.berth.client.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.client.ClientException;
import org.junit.jupiter.api.Test;

/** Signal names and numbers as Docker's daemon reads them (moby's signal map for Linux). */
class SignalsTest {
  @Test
  void namesWithOrWithoutSigInAnyCaseAndNumbers() {
    assertEquals(9, Signals.parse("KILL"));
    assertEquals(9, Signals.parse("SIGKILL"));
    assertEquals(15, Signals.parse("sigterm"));
    assertEquals(17, Signals.parse("CLD"));
    assertEquals(10, Signals.parse("10"));
  }

  @Test
  void realTimeSignalsAsSystemdsStopSignal() {
    assertEquals(37, Signals.parse("SIGRTMIN+3"), "systemd's stop signal");
    assertEquals(34, Signals.parse("RTMIN"));
    assertEquals(49, Signals.parse("rtmin+15"));
    assertEquals(50, Signals.parse("RTMAX-14"));
    assertEquals(64, Signals.parse("SIGRTMAX"));
  }

  @Test
  void anythingElseIsRefusedInDockersWords() {
    for (String bad : new String[] {"NOPE", "RTMIN+16", "RTMAX-15", "0", "65", ""}) {
      assertEquals("invalid signal: " + bad, assertThrows(ClientException.class, () -> Signals.parse(bad)).getMessage());
    }
  }
}
