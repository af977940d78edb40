package dev.berth.network.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ForwarderTest {
  @Test
  void theIdSearchEndsWhenFewOrNoIdsAreFree() throws IOException {
    Forwarder f = new Forwarder(DatagramChannel.open());
    try {
      for (int id = 0; id < 0x10000; id++) {
        f.pending.put(id, null);
      }
      assertEquals(-1, assertTimeoutPreemptively(Duration.ofSeconds(5), f::freeId));
      f.pending.remove(40000);
      assertEquals(40000, assertTimeoutPreemptively(Duration.ofSeconds(5), f::freeId));
    } finally {
      f.close();
    }
  }
}
