package dev.berth.api.labels;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;

/**
 * The list syntax of the labels that carry several values ({@link ContainerLabels#PORTS},
 * {@link ContainerLabels#DNS}, {@link ContainerLabels#DNS_SEARCH}, {@link ContainerLabels#ADD_HOSTS},
 * {@link ContainerLabels#VOLUMES}): items separated by commas, blanks around them ignored.
 */
public final class LabelLists {
  private LabelLists() {}

  /** The label's value for {@code items}; null for none, as such a label is left out. */
  public static String join(Collection<String> items) {
    return items.isEmpty() ? null : String.join(",", items);
  }

  /**
   * Every item of a label's value, stripped; empty items are kept, for the reader to refuse as
   * the malformed values they are. No items for a missing or blank value.
   */
  public static List<String> split(String value) {
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",", -1)).map(String::strip).toList();
  }
}
