package dev.berth.client.spec;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.InvalidValueException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Docker's prune label filters, matched as its daemon matches them. */
class LabelFiltersTest {
  private static final Map<String, String> A = Map.of("a", "1");
  private static final Map<String, String> AB = Map.of("a", "1", "b", "1");

  @Test
  void everyLabelFilterMustMatch() {
    LabelFilters both = LabelFilters.parse(List.of("label=a=1", "label=b=1"));
    assertTrue(both.matches(AB));
    assertFalse(both.matches(A));
    assertTrue(LabelFilters.parse(List.of("label=a")).matches(A));
    assertFalse(LabelFilters.parse(List.of("label=a=2")).matches(A));
    assertTrue(LabelFilters.parse(List.of("label=e=")).matches(Map.of("e", "")));
    assertFalse(LabelFilters.parse(List.of("label=e=")).matches(Map.of("e", "x")));
    assertTrue(LabelFilters.NONE.matches(Map.of()));
  }

  @Test
  void whatEveryNegatedFilterMatchesIsKept() {
    assertFalse(LabelFilters.parse(List.of("label!=a=1")).matches(A));
    assertTrue(LabelFilters.parse(List.of("label!=a=1")).matches(Map.of()));
    assertFalse(LabelFilters.parse(List.of("label!=a")).matches(A), "label!=KEY keeps what has the key");
    assertTrue(LabelFilters.parse(List.of("label!=b")).matches(A));
    LabelFilters neither = LabelFilters.parse(List.of("label!=a=1", "label!=b=1"));
    assertTrue(neither.matches(A), "moby's matchLabels: kept only when all label!= match");
    assertFalse(neither.matches(AB));
    assertFalse(LabelFilters.parse(List.of("label=a", "label!=b")).matches(AB));
    assertTrue(LabelFilters.parse(List.of("label=a", "label!=b")).matches(A));
  }

  @Test
  void otherFiltersAreRefused() {
    assertThrows(InvalidValueException.class, () -> LabelFilters.parse(List.of("until=24h")));
    assertThrows(InvalidValueException.class, () -> LabelFilters.parse(List.of("label=")));
    assertThrows(InvalidValueException.class, () -> LabelFilters.parse(List.of("label!=")));
  }
}
