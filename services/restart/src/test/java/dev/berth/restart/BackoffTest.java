package dev.berth.restart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class BackoffTest {
  final Instant t0 = Instant.parse("2026-12-05T00:00:00Z");
  final Backoff backoff = new Backoff(Clock.fixed(t0, ZoneOffset.UTC));
  final ContainerKey web = new ContainerKey("default", "web");

  @Test
  void doublesWithEachRestartUpToAMinuteAsDockers() {
    assertEquals(100, backoff.delay(web, t0).toMillis());
    backoff.restarted(web);
    assertEquals(200, backoff.delay(web, t0).toMillis());
    backoff.failed(web);
    assertEquals(400, backoff.delay(web, t0).toMillis());
    long expected = 400;
    for (int i = 0; i < 7; i++) {
      backoff.restarted(web);
      expected *= 2;
      assertEquals(expected, backoff.delay(web, t0).toMillis());
    }
    assertEquals(51_200, expected);
    backoff.restarted(web);
    assertEquals(60_000, backoff.delay(web, t0).toMillis());
    backoff.failed(web);
    assertEquals(60_000, backoff.delay(web, t0).toMillis());
    assertEquals(100, backoff.delay(new ContainerKey("other", "web"), t0).toMillis(), "per container");
  }

  @Test
  void startsOverAfterARunOfTenSecondsOrWhenForgotten() {
    backoff.restarted(web);
    backoff.restarted(web);
    assertEquals(400, backoff.delay(web, t0.plusSeconds(9)).toMillis());
    assertEquals(100, backoff.delay(web, t0.plusSeconds(10)).toMillis());
    assertEquals(100, backoff.delay(web, t0).toMillis());
    backoff.restarted(web);
    backoff.forget(web);
    assertEquals(100, backoff.delay(web, t0).toMillis());
  }
}
