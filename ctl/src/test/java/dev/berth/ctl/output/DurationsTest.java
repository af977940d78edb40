package dev.berth.ctl.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
  void timesAreSentToTheDaemonAsDockersClientSendsThem() {
    assertEquals("1714557600.5", Durations.sentToDaemon("1714557600.5", Instant.ofEpochSecond(1714557600, 500_000_000)));
    // a duration's time in whole seconds, a date's with its nanoseconds
    assertEquals("1796223785", Durations.sentToDaemon("1m", Durations.since("1m", NOW.plusMillis(250))));
    assertEquals("1704103200.500000000", Durations.sentToDaemon("2024-01-01T10:00:00.5Z",
        Instant.parse("2024-01-01T10:00:00.5Z")));
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

  @Test
  void agesAreInDockersWords() {
    assertEquals("Less than a second ago", Durations.ago(NOW, NOW));
    assertEquals("Less than a second ago", Durations.ago(NOW.plusSeconds(5), NOW), "clock skew");
    assertEquals("59 seconds ago", Durations.ago(NOW.minusSeconds(59), NOW));
    assertEquals("About a minute ago", Durations.ago(NOW.minusSeconds(80), NOW));
    assertEquals("About an hour ago", Durations.ago(NOW.minusSeconds(3600), NOW));
    assertEquals("3 days ago", Durations.ago(NOW.minusSeconds(3 * 86400), NOW));
    assertEquals("2 years ago", Durations.ago(NOW.minusSeconds(800L * 86400), NOW));
  }

  @Test
  void goStringIsHowDockersListingsShowCreatedAt() {
    String seconds = Durations.goString(NOW);
    assertTrue(seconds.matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d [+-]\\d{4} \\S+"), seconds);
    assertTrue(Durations.goString(NOW.plusMillis(250)).matches("\\S+ \\d\\d:\\d\\d:\\d\\d\\.25 .*"));
    assertEquals(NOW, Instant.from(java.time.format.DateTimeFormatter
        .ofPattern("yyyy-MM-dd HH:mm:ss xx z").parse(seconds)));
  }

  @Test
  void rfc3339HasWholeSecondsInTheLocalZoneAsGosFormat() {
    String written = Durations.rfc3339(NOW.plusMillis(250));
    assertTrue(written.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)"), written);
    assertEquals(NOW, Instant.from(java.time.format.DateTimeFormatter.ISO_OFFSET_DATE_TIME.parse(written)),
        "the same instant, its fraction dropped");
    if (ZoneId.systemDefault().getRules().getOffset(NOW).getTotalSeconds() == 0) {
      assertEquals("2026-12-02T15:04:05Z", written, "Go writes Z for UTC, not +00:00");
    }
  }

  @Test
  void logsAndEventsTimesKeepNineDigitsOfFractionAsDockers() {
    assertEquals("2026-12-02T15:04:05.000000000Z", Durations.rfc3339NanoFixed(NOW));
    assertEquals("2026-12-02T15:04:05.120000000Z", Durations.rfc3339NanoFixed(NOW.plusMillis(120)));
    assertEquals("2026-12-02T15:04:05.000000007Z", Durations.rfc3339NanoFixed(NOW.plusNanos(7)));
  }
}
