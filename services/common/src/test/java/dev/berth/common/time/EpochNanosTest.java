package dev.berth.common.time;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EpochNanosTest {
  @Test
  void convertsBothWays() {
    Instant at = Instant.parse("2026-12-02T17:00:00.123456789Z");
    long nanos = EpochNanos.fromInstant(at);
    assertEquals(1_796_230_800_123_456_789L, nanos);
    Timestamp t = EpochNanos.toTimestamp(nanos);
    assertEquals(Timestamp.newBuilder().setSeconds(1_796_230_800L).setNanos(123_456_789).build(), t);
    assertEquals(t, EpochNanos.toTimestamp(at));
    assertEquals(at, EpochNanos.toInstant(t));
    assertEquals(at, EpochNanos.toInstant(nanos));
  }

  @Test
  void timesBeforeTheEpochKeepTheirNanosPositive() {
    assertEquals(Timestamp.newBuilder().setSeconds(-1).setNanos(999_999_999).build(), EpochNanos.toTimestamp(-1L));
    assertEquals(Instant.ofEpochSecond(-1, 999_999_999), EpochNanos.toInstant(-1L));
  }

  @Test
  void nowIsNow() {
    long before = EpochNanos.fromInstant(Instant.now());
    assertTrue(EpochNanos.now() >= before);
  }
}
