package dev.berth.restart;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How long to wait before restarting a container, so one that crashes at once does not spin:
 * Docker's restart policy back-off, 100 ms, doubling with each restart up to 1 min, and back to
 * 100 ms once a run lasted 10 s.
 */
final class Backoff {
  static final Duration INITIAL = Duration.ofMillis(100);
  static final Duration MAX = Duration.ofMinutes(1);
  static final Duration RESET_AFTER = Duration.ofSeconds(10);

  private record State(Duration next, Instant startedAt) {}

  private final Map<ContainerKey, State> states = new ConcurrentHashMap<>();
  private final Clock clock;

  /** @param clock when restarts happen, against which a run's length is measured */
  Backoff(Clock clock) {
    this.clock = clock;
  }

  /** The wait before restarting after the task ended at {@code endedAt}. */
  Duration delay(ContainerKey key, Instant endedAt) {
    State s = states.get(key);
    if (s == null) {
      return INITIAL;
    }
    if (s.startedAt() != null && Duration.between(s.startedAt(), endedAt).compareTo(RESET_AFTER) >= 0) {
      states.remove(key, s);
      return INITIAL;
    }
    return s.next();
  }

  /** A restart succeeded now: the next one waits longer, unless this run lasts. */
  void restarted(ContainerKey key) {
    states.compute(key, (k, s) -> new State(doubled(s), clock.instant()));
  }

  /** A restart failed: the next attempt waits longer. */
  void failed(ContainerKey key) {
    states.compute(key, (k, s) -> new State(doubled(s), s == null ? null : s.startedAt()));
  }

  void forget(ContainerKey key) {
    states.remove(key);
  }

  private static Duration doubled(State s) {
    Duration d = (s == null ? INITIAL : s.next()).multipliedBy(2);
    return d.compareTo(MAX) > 0 ? MAX : d;
  }
}
