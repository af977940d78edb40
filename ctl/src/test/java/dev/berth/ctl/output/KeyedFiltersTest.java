package dev.berth.ctl.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.ctl.DaemonError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How the filters of volume ls, network ls and images combine, as Docker's daemon combines them. */
class KeyedFiltersTest {
  private record Item(String name, Map<String, String> labels) {}

  private static final Item WEB = new Item("web", Map.of("team", "web", "tier", "front"));

  private static boolean matches(Item item, String... filters) {
    return KeyedFilters.<Item>parse(List.of(filters), List.of("name", "label"), (key, value) -> key.equals("label")
        ? KeyedFilters.label(value, Item::labels) : i -> i.name().equals(value)).test(item);
  }

  @Test
  void everyLabelGivenMustMatch() {
    assertTrue(matches(WEB, "label=team=web", "label=tier"));
    assertFalse(matches(WEB, "label=team=web", "label=team=db"));
    assertFalse(matches(WEB, "label=tier", "label=owner"));
  }

  @Test
  void otherValuesOfOneKeyAreAlternativesAndKeysAllMatch() {
    assertTrue(matches(WEB, "name=db", "name=web"));
    assertTrue(matches(WEB, "name=db", "name=web", "label=team=web"));
    assertFalse(matches(WEB, "name=web", "label=team=db"));
    assertTrue(matches(WEB));
  }

  @Test
  void aNameFilterIsARegularExpressionFoundInTheName() {
    assertTrue(KeyedFilters.matching("^web$").test("web"));
    assertFalse(KeyedFilters.matching("^web$").test("web2"), "anchored: that name alone");
    assertTrue(KeyedFilters.matching("eb").test("web2"), "found anywhere in the name");
    assertTrue(KeyedFilters.matching("w.b").test("wab"));
    assertTrue(KeyedFilters.matching("a[b").test("a[b"), "no regular expression: the name itself");
    assertFalse(KeyedFilters.matching("a[b").test("xa[bx"));
  }

  @Test
  void aKeyTheCommandDoesNotTakeIsRefusedInDockersWords() {
    assertEquals("invalid filter 'colour': expected name=, label=",
        assertThrows(DaemonError.class, () -> matches(WEB, "colour=red")).getMessage());
    assertEquals("invalid filter 'name': expected name=, label=",
        assertThrows(DaemonError.class, () -> matches(WEB, "name")).getMessage(), "no '=': no filter");
  }
}
