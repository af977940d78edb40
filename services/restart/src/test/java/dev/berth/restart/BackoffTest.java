package dev.berth.restart;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BackoffTest {
  final Backoff backoff = new Backoff();
  final ContainerKey web = new ContainerKey("default", "web");

  @Test
  void doublesWithEachRestartUpToItsCap() {
    Instant now = Instant.now();
    assertEquals(100, backoff.delay(web, now).toMillis());
    backoff.restarted(web);
    assertEquals(200, backoff.delay(web, now).toMillis());
    backoff.failed(web);
    assertEquals(400, backoff.delay(web, now).toMillis());
    for (int i = 0; i < 10; i++) {
      backoff.failed(web);
    }
    assertEquals(5000, backoff.delay(web, now).toMillis());
    assertEquals(100, backoff.delay(new ContainerKey("other", "web"), now).toMillis(), "per container");
  }

  @Test
  void startsOverAfterARunOfTenSecondsOrWhenForgotten() {
    backoff.restarted(web);
    backoff.restarted(web);
    assertEquals(400, backoff.delay(web, Instant.now().plusSeconds(9)).toMillis());
    assertEquals(100, backoff.delay(web, Instant.now().plusSeconds(11)).toMillis());
    assertEquals(100, backoff.delay(web, Instant.now()).toMillis());
    backoff.restarted(web);
    backoff.forget(web);
    assertEquals(100, backoff.delay(web, Instant.now()).toMillis());
  }
}
