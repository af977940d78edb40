package dev.berth.common.time;

import com.google.protobuf.Timestamp;
import com.google.protobuf.util.Timestamps;
import dev.berth.api.grpc.ProtoTimes;
import java.time.Instant;

/**
 * The one conversion between the times the services keep and the times the API answers with:
 * records store nanoseconds since the epoch (an INTEGER column), processes and files give
 * {@link Instant}s, and the messages carry protobuf {@link Timestamp}s.
 */
public final class EpochNanos {
  private EpochNanos() {}

  public static long now() {
    return fromInstant(Instant.now());
  }

  public static long fromInstant(Instant instant) {
    return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
  }

  public static Timestamp toTimestamp(long epochNanos) {
    return Timestamps.fromNanos(epochNanos);
  }

  public static Timestamp toTimestamp(Instant instant) {
    return ProtoTimes.toTimestamp(instant);
  }

  public static Instant toInstant(long epochNanos) {
    return Instant.ofEpochSecond(0, epochNanos);
  }

  public static Instant toInstant(Timestamp timestamp) {
    return ProtoTimes.toInstant(timestamp);
  }
}
