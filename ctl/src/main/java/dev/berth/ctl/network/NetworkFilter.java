package dev.berth.ctl.network;

import berth.network.v1.Network;
import dev.berth.ctl.output.InvalidFilter;
import dev.berth.ctl.output.KeyedFilters;
import java.util.List;
import java.util.function.Predicate;

/**
 * Docker's filters of {@code network ls}: {@code name=PATTERN} (as {@link KeyedFilters#matching}),
 * {@code id=PART} (all or part of the id, matched as the name is), {@code label=KEY} or
 * {@code label=KEY=VALUE}, {@code driver=bridge}, {@code type=builtin|custom} (the default network
 * is the built-in one) and {@code scope=local|swarm|global}, combined as {@link KeyedFilters}
 * combines them.
 */
final class NetworkFilter {
  private static final List<String> KEYS = List.of("name", "id", "label", "driver", "type", "scope");

  private NetworkFilter() {}

  static KeyedFilters<Network> parse(List<String> filters) {
    return KeyedFilters.parse(filters, KEYS, (key, value) -> switch (key) {
      case "name" -> {
        Predicate<String> name = KeyedFilters.matching(value);
        yield n -> name.test(n.getName());
      }
      case "id" -> {
        Predicate<String> id = KeyedFilters.matching(value);
        yield n -> id.test(n.getId());
      }
      case "label" -> KeyedFilters.label(value, Network::getLabelsMap);
      case "driver" -> n -> n.getDriver().equals(value);
      case "type" -> type(value);
      default -> scope(value);
    });
  }

  private static Predicate<Network> type(String value) {
    return switch (value) {
      case "builtin" -> Network::getIsDefault;
      case "custom" -> n -> !n.getIsDefault();
      default -> throw InvalidFilter.value("type", value, "builtin or custom");
    };
  }

  /** Every network here is this host's alone: Docker's {@code local} scope, none swarm's or global. */
  private static Predicate<Network> scope(String value) {
    return switch (value) {
      case "local" -> n -> true;
      case "swarm", "global" -> n -> false;
      default -> throw InvalidFilter.value("scope", value, "local, swarm or global");
    };
  }
}
