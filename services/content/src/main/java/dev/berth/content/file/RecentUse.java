package dev.berth.content.file;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each blob last joined a lease, so that a sweep spares what a client took up while the
 * collector was marking: the collector reads the leases and then sweeps, and a blob that joins a
 * lease in between (an ingest of content that exists already) is in no lease the collector saw.
 * Entries older than any collection still running are dropped.
 */
final class RecentUse {
  /** Far longer than a collection's marking takes. */
  private static final Duration KEPT = Duration.ofMinutes(10);

  private final ConcurrentHashMap<String, Instant> lastUse = new ConcurrentHashMap<>();

  /** Call once the use is recorded (the lease taken), before the client hears of it. */
  void touch(String namespace, String digest) {
    lastUse.put(key(namespace, digest), Instant.now());
  }

  /** Whether the blob was used at or after {@code since}. */
  boolean usedSince(String namespace, String digest, Instant since) {
    Instant last = lastUse.get(key(namespace, digest));
    return last != null && !last.isBefore(since);
  }

  /** Forgets uses no collection can ask about any more. */
  void prune() {
    Instant cutoff = Instant.now().minus(KEPT);
    lastUse.values().removeIf(at -> at.isBefore(cutoff));
  }

  private static String key(String namespace, String digest) {
    return namespace + "/" + digest;
  }
}
