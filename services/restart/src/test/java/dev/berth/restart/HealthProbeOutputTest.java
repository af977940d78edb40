package dev.berth.restart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A probe's output as Docker's daemon keeps it: 4096 bytes, then "..." if more came. */
class HealthProbeOutputTest {
  @Test
  void outputPastDockersLimitIsCutAndMarkedAsDockersIs() {
    HealthProbe.Capped output = new HealthProbe.Capped();
    output.write("a".repeat(4000).getBytes(StandardCharsets.UTF_8), 0, 4000);
    output.write("b".repeat(200).getBytes(StandardCharsets.UTF_8), 0, 200);
    output.write('c');
    assertEquals("a".repeat(4000) + "b".repeat(96) + "...", output.text());
  }

  @Test
  void outputWithinTheLimitIsKeptWhole() {
    HealthProbe.Capped output = new HealthProbe.Capped();
    byte[] exactly = "x".repeat(4095).getBytes(StandardCharsets.UTF_8);
    output.write(exactly, 0, exactly.length);
    output.write('\n');
    assertEquals("x".repeat(4095) + "\n", output.text());
  }
}
