package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Memory plus swap for a CRI container with a memory limit, as containerd's CRI sets it. */
class MemorySwapTest {
  @Test
  void swapIsTheMemoryLimitUnlessTheKubeletSendsItsOwn() {
    assertEquals(Optional.of(64L << 20), MemorySwap.of(64L << 20, 0, true), "no swap beyond the memory limit");
    assertEquals(Optional.of(128L << 20), MemorySwap.of(64L << 20, 128L << 20, true));
    assertEquals(Optional.of(-1L), MemorySwap.of(64L << 20, -1, true), "the kubelet's UnlimitedSwap");
  }

  @Test
  void aHostThatDoesNotAccountSwapGetsNoSwapLimit() {
    assertEquals(Optional.empty(), MemorySwap.of(64L << 20, 0, false));
    assertEquals(Optional.empty(), MemorySwap.of(64L << 20, 128L << 20, false));
  }
}
