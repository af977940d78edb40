package dev.berth.ctl.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.ctl.CommandFailure;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class DurationsTest {
  private static final Instant NOW = Instant.parse("2026-12-02T15:04:05Z");

  private static Instant local(String text) {
    return LocalDateTime.parse(text).atZone(ZoneId.systemDefault()).toInstant();
  }

  @Test
  void sinceTakesDockersTimes() {
    assertEquals(Instant.parse("2024-01-01T10:00:00.5Z"), Durations.since("2024-01-01T10:00:00.5Z", NOW));
    assertEquals(Instant.parse("2024-01-01T09:00:00Z"), Durations.since("2024-01-01T10:00:00+01:00", NOW));
    assertEquals(Instant.parse("2024-01-01T10:00:00Z"), Durations.since("2024-01-01t10:00z", NOW));
    // without a zone: local time, as Docker reads it
    assertEquals(local("2024-01-01T00:00:00"), Durations.since("2024-01-01", NOW));
    assertEquals(local("2024-01-01T10:30:00"), Durations.since("2024-01-01T10:30", NOW));
    assertEquals(local("2024-01-01T10:30:15"), Durations.since("2024-01-01T10:30:15", NOW));
  }

  @Test
  void sinceTakesUnixTimesAndDurations() {
    assertEquals(Instant.ofEpochSecond(1714557600, 500_000_000), Durations.since("1714557600.5", NOW));
    assertEquals(NOW.minusSeconds(5400), Durations.since("1h30m", NOW));
    assertEquals(NOW.minusMillis(42_000), Durations.since("42s", NOW));
    assertThrows(CommandFailure.class, () -> Durations.since("yesterday", NOW));
    assertThrows(CommandFailure.class, () -> Durations.since("2024-13-01", NOW));
  }
}
