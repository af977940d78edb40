package dev.berth.api.grpc;

import com.google.protobuf.Timestamp;
import java.time.Instant;

/**
 * The one conversion between the API's protobuf {@link Timestamp}s and {@link Instant}s, for
 * every side of it: clients reading and writing messages, and the services through their
 * {@code EpochNanos}.
 */
public final class ProtoTimes {
  private ProtoTimes() {}

  public static Timestamp toTimestamp(Instant instant) {
    return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
  }

  public static Instant toInstant(Timestamp timestamp) {
    return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
  }
}
