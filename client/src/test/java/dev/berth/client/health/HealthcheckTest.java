package dev.berth.client.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.InvalidValueException;
import dev.berth.client.ClientException;
import dev.berth.client.InvalidParameterException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthcheckTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Healthcheck.Flags NO_FLAGS = new Healthcheck.Flags(null, null, null, null, null, null, false);

  private static Healthcheck image() throws Exception {
    return Healthcheck.fromJson(JSON.readTree("{\"Test\":[\"CMD\",\"wget\",\"-q\",\"localhost\"],"
        + "\"Interval\":10000000000,\"Retries\":5}")).orElseThrow();
  }

  @Test
  void flagsGoOverTheImagesCheckFieldByField() throws Exception {
    assertEquals(Optional.of(image()), Healthcheck.of(Optional.of(image()), NO_FLAGS));
    Healthcheck merged = Healthcheck.of(Optional.of(image()),
        new Healthcheck.Flags(null, "1m30s", "500ms", null, null, null, false)).orElseThrow();
    assertEquals(List.of("wget", "-q", "localhost"), merged.command());
    assertEquals(Duration.ofSeconds(90), merged.effectiveInterval());
    assertEquals(Duration.ofMillis(500), merged.effectiveTimeout());
    assertEquals(5, merged.effectiveRetries());
    assertEquals("Health check exceeded timeout (500ms)", merged.timeoutOutput());

    Healthcheck own = Healthcheck.of(Optional.empty(), new Healthcheck.Flags("curl -f x || exit 1", null, null,
        "2s", 2L, null, false)).orElseThrow();
    assertEquals(List.of("/bin/sh", "-c", "curl -f x || exit 1"), own.command());
    assertEquals(Healthcheck.DEFAULT_INTERVAL, own.effectiveInterval());
    assertEquals(Duration.ofSeconds(2), own.startPeriod());
    assertEquals(own, Healthcheck.fromJson(own.writeTo(JSON.createObjectNode())).orElseThrow(), "JSON round trip");
    assertEquals("Health check exceeded timeout (30s)", own.timeoutOutput());
  }

  @Test
  void theStartIntervalSpacesProbesInTheStartPeriodWhileStarting() throws Exception {
    Instant started = Instant.parse("2026-12-03T10:00:00Z");
    Healthcheck check = Healthcheck.of(Optional.empty(), new Healthcheck.Flags("true", "1m", null, "30s", null, "2s",
        false)).orElseThrow();
    assertEquals(Duration.ofSeconds(2), check.nextInterval(started, started.plusSeconds(10), HealthState.STARTING));
    assertEquals(Duration.ofMinutes(1), check.nextInterval(started, started.plusSeconds(10), HealthState.HEALTHY),
        "healthy already: the interval");
    assertEquals(Duration.ofMinutes(1), check.nextInterval(started, started.plusSeconds(31), HealthState.STARTING),
        "past the start period: the interval");
    assertEquals(check, Healthcheck.fromJson(check.writeTo(JSON.createObjectNode())).orElseThrow(), "JSON round trip");
    Healthcheck defaulted = Healthcheck.of(Optional.empty(), new Healthcheck.Flags("true", null, null, "30s", null,
        null, false)).orElseThrow();
    assertEquals(Healthcheck.DEFAULT_START_INTERVAL, defaulted.nextInterval(started, started, HealthState.STARTING),
        "docker's 5 s");
    Healthcheck noStartPeriod = Healthcheck.of(Optional.empty(), new Healthcheck.Flags("true", null, null, null, null,
        "2s", false)).orElseThrow();
    assertEquals(Healthcheck.DEFAULT_INTERVAL, noStartPeriod.nextInterval(started, started, HealthState.STARTING));
  }

  @Test
  void noHealthcheckTurnsTheImagesOffAndRefusesOtherFlags() throws Exception {
    assertTrue(Healthcheck.of(Optional.of(image()), new Healthcheck.Flags(null, null, null, null, null, null, true))
        .orElseThrow().disabled());
    assertThrows(ClientException.class, () -> Healthcheck.of(Optional.empty(),
        new Healthcheck.Flags("true", null, null, null, null, null, true)));
    for (Healthcheck.Flags bad : List.of(new Healthcheck.Flags("true", "10", null, null, null, null, false),
        new Healthcheck.Flags("true", "1h5x", null, null, null, null, false))) {
      assertThrows(InvalidValueException.class, () -> Healthcheck.of(Optional.empty(), bad), bad::toString);
    }
  }

  @Test
  void theJsonLeavesOutZeroFieldsAsDockersOmitempty() throws Exception {
    assertEquals("{\"Test\":[\"CMD\",\"wget\",\"-q\",\"localhost\"],\"Interval\":10000000000,\"Retries\":5}",
        image().writeTo(JSON.createObjectNode()).toString());
    assertEquals("{\"Test\":[\"NONE\"]}", Healthcheck.of(Optional.empty(),
        new Healthcheck.Flags(null, null, null, null, null, null, true)).orElseThrow().writeTo(JSON.createObjectNode())
        .toString());
    assertEquals("{\"Interval\":5000000000}", Healthcheck.of(Optional.empty(),
        new Healthcheck.Flags(null, "5000000000ns", null, null, null, null, false)).orElseThrow()
        .writeTo(JSON.createObjectNode()).toString(), "no test: Docker's CLI sends none");
  }

  @Test
  void noHealthcheckKeepsTheImagesDurationsAsDockersDaemonMergesThem() throws Exception {
    assertEquals("{\"Test\":[\"NONE\"],\"Interval\":10000000000,\"Retries\":5}", Healthcheck.of(Optional.of(image()),
        new Healthcheck.Flags(null, null, null, null, null, null, true)).orElseThrow().writeTo(JSON.createObjectNode())
        .toString());
  }

  @Test
  void aZeroFlagIsNoSettingAndLeavesTheImagesValue() throws Exception {
    assertEquals(Optional.of(image()), Healthcheck.of(Optional.of(image()),
        new Healthcheck.Flags("", "0ns", "-0s", null, 0L, null, false)), "zero values alone: the image's check");
    assertEquals(Optional.empty(), Healthcheck.of(Optional.empty(),
        new Healthcheck.Flags(null, "0ns", null, null, 0L, null, false)));
    assertTrue(Healthcheck.of(Optional.of(image()), new Healthcheck.Flags(null, "0ns", null, null, 0L, null, true))
        .orElseThrow().disabled(), "no conflict with --no-healthcheck");
    Healthcheck merged = Healthcheck.of(Optional.of(image()),
        new Healthcheck.Flags("true", "0ns", null, null, 0L, null, false)).orElseThrow();
    assertEquals(new Healthcheck(List.of("CMD-SHELL", "true"), Duration.ofSeconds(10), Duration.ZERO, Duration.ZERO, 5,
        Duration.ZERO), merged, "--health-interval 0 and --health-retries 0 keep the image's");
  }

  @Test
  void negativeAndSubMillisecondValuesAreRefusedInDockersWords() {
    // berthctl's flag parser hands durations on in nanoseconds, a negative one as typed
    assertEquals("--health-interval cannot be negative", refusal(new Healthcheck.Flags("true", "-1s", null, null,
        null, null, false), InvalidValueException.class));
    assertEquals("--health-timeout cannot be negative", refusal(new Healthcheck.Flags("true", "500000ns", "-2ms",
        null, -1L, "-1s", false), InvalidValueException.class), "the CLI's checks come before the daemon's, in its order");
    assertEquals("--health-retries cannot be negative", refusal(new Healthcheck.Flags("true", null, null, "-1s", -1L,
        null, false), InvalidValueException.class));
    assertEquals("--health-start-interval cannot be negative", refusal(new Healthcheck.Flags("true", null, null,
        null, null, "-1.5s", false), InvalidValueException.class));
    assertEquals("Interval in Healthcheck cannot be less than 1ms", refusal(new Healthcheck.Flags("true",
        "500000ns", null, null, null, null, false), InvalidParameterException.class));
    assertEquals("StartPeriod in Healthcheck cannot be less than 1ms", refusal(new Healthcheck.Flags("true",
        null, null, "1ns", null, null, false), InvalidParameterException.class));
    assertEquals(Duration.ZERO, Healthcheck.of(Optional.empty(), new Healthcheck.Flags("true", "-0s", null, null,
        null, null, false)).orElseThrow().interval(), "-0s is zero, which Docker takes");
  }

  /** A value Docker's CLI refuses is an InvalidValueException (exit 125), one its daemon refuses its words. */
  private static String refusal(Healthcheck.Flags flags, Class<? extends RuntimeException> kind) {
    RuntimeException e = assertThrows(RuntimeException.class, () -> Healthcheck.of(Optional.empty(), flags));
    assertEquals(kind, e.getClass(), e::toString);
    return e.getMessage();
  }

  @Test
  void aPassMakesHealthyAndRetriesFailuresUnhealthyButNotWithinTheStartPeriod() throws Exception {
    Healthcheck check = Healthcheck.of(Optional.empty(), new Healthcheck.Flags("true", "1s", null, "10s", 2L, null, false))
        .orElseThrow();
    Instant started = Instant.parse("2026-12-03T10:00:00Z");
    HealthState s = HealthState.starting();
    s = s.after(probe(started.plusSeconds(1), 1), check, started);
    s = s.after(probe(started.plusSeconds(2), 1), check, started);
    assertEquals(new HealthState(HealthState.STARTING, 0, s.log()), s, "failures in the start period do not count");
    s = s.after(probe(started.plusSeconds(3), 0), check, started);
    assertEquals(HealthState.HEALTHY, s.status());
    s = s.after(probe(started.plusSeconds(4), 1), check, started);
    assertEquals(HealthState.HEALTHY, s.status(), "one failure of two allowed");
    assertEquals(1, s.failingStreak());
    s = s.after(probe(started.plusSeconds(5), -1), check, started);
    assertEquals(HealthState.UNHEALTHY, s.status());
    assertEquals(2, s.failingStreak());
    s = s.after(probe(started.plusSeconds(6), 1), check, started);
    assertEquals(HealthState.LOG_ENTRIES, s.log().size());
    assertEquals(started.plusSeconds(2), s.log().get(0).start(), "the five newest probes are kept");
    s = s.after(probe(started.plusSeconds(7), 0), check, started);
    assertEquals(new HealthState(HealthState.HEALTHY, 0, s.log()), s);

    // a start makes it starting again with no streak, and keeps the probes, as docker's daemon does
    HealthState unhealthy = s.after(probe(started.plusSeconds(8), 1), check, started)
        .after(probe(started.plusSeconds(9), 1), check, started);
    assertEquals(new HealthState(HealthState.STARTING, 0, unhealthy.log()), unhealthy.restarted());
  }

  private static HealthState.Probe probe(Instant start, int exitCode) {
    return new HealthState.Probe(start, start.plusMillis(20), exitCode, "out " + exitCode);
  }
}
