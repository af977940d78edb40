package dev.berth.ctl.volume;

import berth.volumes.v1.Volume;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.output.KeyedFilters;
import java.util.List;
import java.util.function.Predicate;

/**
 * Docker's filters of {@code volume ls}: {@code name=PATTERN} (as {@link KeyedFilters#namePattern}), {@code label=KEY}
 * or {@code label=KEY=VALUE}, {@code dangling=true|false} (no container uses it) and
 * {@code driver=local}, combined as {@link KeyedFilters} combines them.
 */
final class VolumeFilter {
  private VolumeFilter() {}

  static KeyedFilters<Volume> parse(List<String> filters) {
    return KeyedFilters.parse(filters, (f, key, value) -> switch (key) {
      case "name" -> {
        Predicate<String> name = KeyedFilters.namePattern(value);
        yield v -> name.test(v.getName());
      }
      case "label" -> KeyedFilters.label(value, Volume::getLabelsMap);
      case "dangling" -> dangling(f, value);
      case "driver" -> v -> v.getDriver().equals(value);
      default -> throw new CommandFailure("invalid filter '" + f + "': expected name=, label=, dangling= or driver=");
    });
  }

  private static Predicate<Volume> dangling(String filter, String value) {
    return switch (value) {
      case "true", "1" -> v -> v.getUsedByCount() == 0;
      case "false", "0" -> v -> v.getUsedByCount() > 0;
      default -> throw new CommandFailure("invalid filter '" + filter + "': expected true or false");
    };
  }
}
