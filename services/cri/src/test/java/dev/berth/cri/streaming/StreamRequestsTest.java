package dev.berth.cri.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.grpc.BerthException;
import io.grpc.Status;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** One-time tokens that expire, as the kubelet's streaming request cache keeps them. */
class StreamRequestsTest {
  /** A clock the test moves. */
  private static final class Hands extends Clock {
    Instant now = Instant.parse("2026-12-03T06:00:00Z");

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private static final StreamRequest EXEC = new StreamRequest.Exec("c1", List.of("sh"), true, true, true, false);

  @Test
  void aTokenServesOnceUntilItExpires() {
    Hands clock = new Hands();
    StreamRequests requests = new StreamRequests(clock, StreamRequests.TTL);
    String once = requests.insert(EXEC);
    String late = requests.insert(new StreamRequest.PortForward("s1", Path.of("/run/netns/x"), List.of(80)));
    assertNotEquals(once, late);
    assertTrue(once.matches("[A-Za-z0-9_-]{11}"), once);

    assertEquals(Optional.of(EXEC), requests.consume(once));
    assertEquals(Optional.empty(), requests.consume(once), "used up");
    assertEquals(Optional.empty(), requests.consume("unknown"));

    clock.now = clock.now.plus(StreamRequests.TTL).plusMillis(1);
    assertEquals(Optional.empty(), requests.consume(late), "expired after a minute");
  }

  @Test
  void tooManyWaitingRequestsAreRefused() {
    Hands clock = new Hands();
    StreamRequests requests = new StreamRequests(clock, Duration.ofSeconds(30));
    for (int i = 0; i < StreamRequests.MAX_IN_FLIGHT; i++) {
      requests.insert(EXEC);
    }
    BerthException refused = assertThrows(BerthException.class, () -> requests.insert(EXEC));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.code());
    clock.now = clock.now.plusSeconds(31);
    requests.insert(EXEC);
  }
}
