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
import org.junit.jupiter.api.Test;

/** Docker's prune filters, as berthctl's prune commands take them. */
class PruneFilterTest {
  private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

  @Test
  void labelsAndUntilMustAllMatch() {
    PruneFilter f = PruneFilter.parse(List.of("label=team=web", "label!=keep=yes", "label!=keep", "until=24h"), NOW);
    assertEquals(Optional.of(NOW.minusSeconds(86400)), f.until());
    assertTrue(f.createdBefore(NOW.minusSeconds(90000)));
    assertFalse(f.createdBefore(NOW.minusSeconds(60)));
    assertTrue(f.matches(Map.of("team", "web"), NOW.minusSeconds(90000)));
    assertFalse(f.matches(Map.of("team", "web"), NOW.minusSeconds(60)));
    assertFalse(f.matches(Map.of("team", "db"), NOW.minusSeconds(90000)));
    assertFalse(f.matches(Map.of("team", "web", "keep", "yes"), NOW.minusSeconds(90000)));
  }

  @Test
  void untilTakesTimesAndUnixSecondsAndNoFilterKeepsEverything() {
    assertEquals(Optional.of(Instant.parse("2026-01-01T00:00:00Z")),
        PruneFilter.parse(List.of("until=2026-01-01T00:00:00Z"), NOW).until());
    assertEquals(Optional.of(Instant.ofEpochSecond(1700000000)), PruneFilter.parse(List.of("until=1700000000"), NOW).until());
    assertTrue(PruneFilter.parse(null, NOW).createdBefore(NOW));
  }

  @Test
  void anythingElseIsRefusedWithWhatIsAccepted() {
    InvalidValueException e = assertThrows(InvalidValueException.class,
        () -> PruneFilter.parse(List.of("until=yesterday"), NOW));
    assertEquals("failed to parse value as time or duration: \"yesterday\"", e.getMessage(), "Docker's daemon's words");
    assertThrows(InvalidValueException.class, () -> PruneFilter.parse(List.of("dangling=true"), NOW));
  }
}
