package dev.berth.gc;

import java.time.Duration;
import java.util.Set;

/**
 * How the collector runs: an ingest untouched for {@code ingestExpiry} goes; a collection runs
 * every {@code interval} and {@code debounce} after a deletion that can free something (more
 * deletions within it make one collection); {@code snapshotters} are those whose snapshots it
 * collects.
 */
public record GcSettings(Duration ingestExpiry, Duration interval, Duration debounce, Set<String> snapshotters) {
  public static final Duration DEFAULT_INGEST_EXPIRY = Duration.ofHours(24);

  public GcSettings {
    if (ingestExpiry.isNegative() || interval.isNegative() || interval.isZero() || debounce.isNegative()) {
      throw new IllegalArgumentException("gc durations must be positive: " + ingestExpiry + ", " + interval + ", " + debounce);
    }
    snapshotters = Set.copyOf(snapshotters);
  }

  /** containerd's defaults where it has them: a day for ingests; every 10 minutes; a second after deletions. */
  public static GcSettings defaults(Set<String> snapshotters) {
    return new GcSettings(DEFAULT_INGEST_EXPIRY, Duration.ofMinutes(10), Duration.ofSeconds(1), snapshotters);
  }

  public GcSettings withIngestExpiry(Duration expiry) {
    return new GcSettings(expiry, interval, debounce, snapshotters);
  }
}
