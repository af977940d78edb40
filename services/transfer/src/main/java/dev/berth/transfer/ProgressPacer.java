package dev.berth.transfer;

import java.util.HashMap;
import java.util.Map;

/**
 * Which blob events a progress stream sends: every change of a blob's state, and within a state
 * (bytes moving) at most one event per blob every {@link #INTERVAL_NANOS}. A download reports each
 * 64 KiB it stores; sent as they come, a 200 MB pull was 3,200 messages for the daemon to encode
 * and the client to decode and draw, on the cores the pull itself needs. Not thread-safe.
 */
final class ProgressPacer {
  /** Ten updates a second: as often as a terminal's progress bar is worth redrawing. */
  static final long INTERVAL_NANOS = 100_000_000L;

  private record Sent(BlobEvent.State state, long atNanos) {}

  private final Map<String, Sent> last = new HashMap<>();

  /** Whether {@code event}, happening at {@code nowNanos}, is to be sent; if so it counts as sent. */
  boolean admit(BlobEvent event, long nowNanos) {
    Sent before = last.get(event.digest());
    if (before != null && before.state() == event.state() && nowNanos - before.atNanos() < INTERVAL_NANOS) {
      return false;
    }
    last.put(event.digest(), new Sent(event.state(), nowNanos));
    return true;
  }
}
