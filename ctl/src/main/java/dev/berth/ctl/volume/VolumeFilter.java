package dev.berth.ctl.volume;

import berth.volumes.v1.Volume;
import dev.berth.ctl.output.InvalidFilter;
import dev.berth.ctl.output.KeyedFilters;
import java.util.List;
import java.util.function.Predicate;

/**
 * Docker's filters of {@code volume ls}: {@code name=PATTERN} (as {@link KeyedFilters#matching}),
 * {@code label=KEY} or {@code label=KEY=VALUE}, {@code dangling=true|false} (no container uses it)
 * and {@code driver=local}, combined as {@link KeyedFilters} combines them.
 */
final class VolumeFilter {
  private static final List<String> KEYS = List.of("name", "label", "dangling", "driver");

  private VolumeFilter() {}

  static KeyedFilters<Volume> parse(List<String> filters) {
    return KeyedFilters.parse(filters, KEYS, (key, value) -> switch (key) {
      case "name" -> {
        Predicate<String> name = KeyedFilters.matching(value);
        yield v -> name.test(v.getName());
      }
      case "label" -> KeyedFilters.label(value, Volume::getLabelsMap);
      case "dangling" -> dangling(value);
      default -> v -> v.getDriver().equals(value);
    });
  }

  private static Predicate<Volume> dangling(String value) {
    return switch (value) {
      case "true", "1" -> v -> v.getUsedByCount() == 0;
      case "false", "0" -> v -> v.getUsedByCount() > 0;
      default -> throw InvalidFilter.value("dangling", value, "true or false");
    };
  }
}
