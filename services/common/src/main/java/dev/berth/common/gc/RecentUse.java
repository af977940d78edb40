package dev.berth.common.gc;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each of a store's things (a blob, a snapshot) last joined a lease, so that a sweep spares
 * what a client took up while the collector was marking: the collector reads the roots and then
 * sweeps, and a thing that joins a lease in between (an ingest of content that exists already, an
 * unpack finding its layer's snapshot there) is in no root the collector saw. Entries older than
 * any collection still running are dropped.
 */
public final class RecentUse {
  /** Far longer than a collection's marking takes. */
  private static final Duration KEPT = Duration.ofMinutes(10);

  private final ConcurrentHashMap<String, Instant> lastUse = new ConcurrentHashMap<>();

  /** Call once the use is recorded (the lease taken), before the client hears of it. */
  public void touch(String namespace, String id) {
    lastUse.put(key(namespace, id), Instant.now());
  }

  /** Whether the thing was used at or after {@code since}. */
  public boolean usedSince(String namespace, String id, Instant since) {
    Instant last = lastUse.get(key(namespace, id));
    return last != null && !last.isBefore(since);
  }

  /** Forgets uses no collection can ask about any more. */
  public void prune() {
    Instant cutoff = Instant.now().minus(KEPT);
    lastUse.values().removeIf(at -> at.isBefore(cutoff));
  }

  private static String key(String namespace, String id) {
    return namespace + "/" + id;
  }
}
