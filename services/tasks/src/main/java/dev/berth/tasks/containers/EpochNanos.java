package dev.berth.tasks.containers;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Record times as nanoseconds since the epoch, the way they are stored. */
public final class EpochNanos {
  private EpochNanos() {}

  public static long now() {
    Instant i = Instant.now();
    return i.getEpochSecond() * 1_000_000_000L + i.getNano();
  }

  public static Timestamp toTimestamp(long nanos) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(nanos, 1_000_000_000L))
        .setNanos((int) Math.floorMod(nanos, 1_000_000_000L))
        .build();
  }

  public static Timestamp toTimestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }
}
