package dev.berth.metadata;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Times are stored as nanoseconds since the epoch (an INTEGER column) and answered as protobuf Timestamps. */
public final class EpochNanos {
  private static final long NANOS_PER_SECOND = 1_000_000_000L;

  private EpochNanos() {}

  public static long now() {
    Instant now = Instant.now();
    return now.getEpochSecond() * NANOS_PER_SECOND + now.getNano();
  }

  public static Timestamp toTimestamp(long epochNanos) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(epochNanos, NANOS_PER_SECOND))
        .setNanos((int) Math.floorMod(epochNanos, NANOS_PER_SECOND))
        .build();
  }
}
