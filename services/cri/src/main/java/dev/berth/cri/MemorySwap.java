package dev.berth.cri;

import dev.berth.client.spec.SwapLimit;
import java.util.Optional;

/**
 * Memory plus swap for a CRI container as containerd's CRI sets it: the kubelet's own value when it
 * sends one, else the memory limit itself, so that a container with a memory limit cannot go past
 * it into swap (the kubelet leaves this to the runtime unless its NodeSwap feature is on). Nothing
 * on a host whose memory cgroup does not count swap, where runc would fail to write it.
 */
final class MemorySwap {
  private MemorySwap() {}

  /** For a container limited to {@code memory} bytes (positive) with the kubelet's {@code swap} (0: not sent). */
  static Optional<Long> of(long memory, long swap) {
    return of(memory, swap, SwapLimit.hostAccountsSwap());
  }

  static Optional<Long> of(long memory, long swap, boolean accounted) {
    return accounted ? Optional.of(swap != 0 ? swap : memory) : Optional.empty();
  }
}
