package dev.berth.client.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Docker's memory plus swap: twice the memory unless given, none where the host counts no swap. */
class SwapLimitTest {
  private static final Long MEMORY = 64L << 20;

  @Test
  void memoryAloneGetsTwiceItAndAGivenOneStays() {
    assertEquals(128L << 20, SwapLimit.of(MEMORY, null, true));
    assertEquals(-1, SwapLimit.of(MEMORY, -1L, true), "unlimited swap");
    assertEquals(MEMORY, SwapLimit.of(MEMORY, MEMORY, true), "no swap");
    assertNull(SwapLimit.of(null, null, true), "no memory limit, no swap limit");
    assertFalse(SwapLimit.dropped(MEMORY, null, true));
  }

  @Test
  void aHostWithoutSwapAccountingLimitsNoSwapAndSaysSo() {
    assertEquals(-1, SwapLimit.of(MEMORY, null, false));
    assertEquals(-1, SwapLimit.of(MEMORY, 256L << 20, false));
    assertTrue(SwapLimit.dropped(MEMORY, null, false));
    assertTrue(SwapLimit.dropped(MEMORY, 256L << 20, false));
    assertFalse(SwapLimit.dropped(MEMORY, -1L, false), "nothing to drop");
    assertFalse(SwapLimit.dropped(null, null, false));
  }
}
