package dev.berth.client.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.api.InvalidValueException;
import org.junit.jupiter.api.Test;

class LabelFilterTest {
  @Test
  void dockerLabelFiltersBecomeContainerdFilters() {
    assertEquals("labels.\"team\"", LabelFilter.parse("label=team"));
    assertEquals("labels.\"team\"==\"web\"", LabelFilter.parse("label=team=web"));
    assertEquals("labels.\"team\"!=\"a=b\"", LabelFilter.parse("label!=team=a=b"));
    assertEquals("labels.\"team\"==\"\"", LabelFilter.parse("label=team="));
  }

  @Test
  void otherFiltersAreRefused() {
    assertThrows(InvalidValueException.class, () -> LabelFilter.parse("until=24h"));
    assertThrows(InvalidValueException.class, () -> LabelFilter.parse("label="));
    assertThrows(InvalidValueException.class, () -> LabelFilter.parse("label!=team"));
  }
}
