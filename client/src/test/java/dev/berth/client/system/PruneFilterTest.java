package dev.berth.client.system;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.InvalidValueException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Docker's prune filters, as berthctl's prune commands take them. */
class PruneFilterTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
  /** Durations in whole hours, else Unix seconds: enough of Docker's timestamps for these tests. */
  private static final Function<String, Instant> TIME = v -> v.endsWith("h")
      ? NOW.minusSeconds(3600 * Long.parseLong(v.substring(0, v.length() - 1))) : Instant.ofEpochSecond(Long.parseLong(v));

  private static PruneFilter parse(String... filters) {
    return PruneFilter.parse(List.of(filters), PruneFilter.KEYS, TIME);
  }

  @Test
  void labelsAndUntilMustAllMatch() {
    PruneFilter f = parse("label=team=web", "label!=keep=yes", "label!=keep", "until=24h");
    assertEquals(Optional.of(NOW.minusSeconds(86400)), f.until());
    assertTrue(f.createdBefore(NOW.minusSeconds(90000)));
    assertFalse(f.createdBefore(NOW.minusSeconds(60)));
    assertTrue(f.matches(Map.of("team", "web"), NOW.minusSeconds(90000)));
    assertFalse(f.matches(Map.of("team", "web"), NOW.minusSeconds(60)));
    assertFalse(f.matches(Map.of("team", "db"), NOW.minusSeconds(90000)));
    assertFalse(f.matches(Map.of("team", "web", "keep", "yes"), NOW.minusSeconds(90000)));
  }

  @Test
  void noFilterKeepsEverythingAndTheSameUntilTwiceIsOne() {
    assertTrue(PruneFilter.parse(null, PruneFilter.KEYS, TIME).createdBefore(NOW));
    assertEquals(Optional.of(Instant.ofEpochSecond(1700000000)), parse("until=1700000000", "until=1700000000").until());
  }

  @Test
  void refusedInDockersDaemonsWordsUnknownKeysFirst() {
    assertEquals("invalid filter 'dangling'", refusal("until=1h", "until=2h", "dangling=true"));
    assertEquals("more than one until filter specified", refusal("until=1h", "until=2h"));
    // an image prune's: before the earliest, as Docker 27's containerd image store asks for each
    assertEquals(Optional.of(NOW.minusSeconds(7200)), PruneFilter.parseEveryUntil(List.of("until=1h", "until=2h",
        "label=a"), PruneFilter.KEYS, TIME).until());
    assertEquals("invalid filter 'all'", refusal("all=true"));
    PruneFilter.parse(List.of("dangling=true", "until=1h"), Set.of("dangling", "until"), TIME);
    assertEquals(Set.of("true", "1"), PruneFilter.values(List.of("dangling=true", "until=1h", "dangling=1"), "dangling"));
  }

  private static String refusal(String... filters) {
    return assertThrows(InvalidValueException.class, () -> parse(filters)).getMessage();
  }
}
