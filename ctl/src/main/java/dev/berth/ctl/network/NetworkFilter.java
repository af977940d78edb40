package dev.berth.ctl.network;

import berth.network.v1.Network;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.output.KeyedFilters;
import java.util.List;
import java.util.function.Predicate;

/**
 * Docker's filters of {@code network ls}: {@code name=PATTERN} (as {@link KeyedFilters#namePattern}), {@code id=PREFIX}, {@code label=KEY}
 * or {@code label=KEY=VALUE}, {@code driver=bridge} and {@code type=builtin|custom} (the default
 * network is the built-in one), combined as {@link KeyedFilters} combines them.
 */
final class NetworkFilter {
  private NetworkFilter() {}

  static KeyedFilters<Network> parse(List<String> filters) {
    return KeyedFilters.parse(filters, (f, key, value) -> switch (key) {
      case "name" -> {
        Predicate<String> name = KeyedFilters.namePattern(value);
        yield n -> name.test(n.getName());
      }
      case "id" -> n -> n.getId().startsWith(value);
      case "label" -> KeyedFilters.label(value, Network::getLabelsMap);
      case "driver" -> n -> n.getDriver().equals(value);
      case "type" -> type(f, value);
      default -> throw new CommandFailure("invalid filter '" + f + "': expected name=, id=, label=, driver= or type=");
    });
  }

  private static Predicate<Network> type(String filter, String value) {
    return switch (value) {
      case "builtin" -> Network::getIsDefault;
      case "custom" -> n -> !n.getIsDefault();
      default -> throw new CommandFailure("invalid filter '" + filter + "': expected type=builtin or type=custom");
    };
  }
}
