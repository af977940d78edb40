package dev.berth.ctl.network;

import berth.network.v1.Network;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.output.KeyedFilters;
import java.util.List;
import java.util.function.Predicate;

/**
 * Docker's filters of {@code network ls}: {@code name=PATTERN} (as {@link KeyedFilters#matching}),
 * {@code id=PART} (all or part of the id, matched as the name is), {@code label=KEY} or
 * {@code label=KEY=VALUE}, {@code driver=bridge}, {@code type=builtin|custom} (the default network
 * is the built-in one) and {@code scope=SCOPE} (every network here is {@code local}), combined as
 * {@link KeyedFilters} combines them.
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
      // Docker's daemon's words, which scripts match
      default -> throw new DaemonError("invalid filter: 'type'='" + value + "'");
    };
  }

  /**
   * Every network here is this host's alone: Docker's {@code local} scope. Any other value matches
   * none, as Docker's daemon matches a scope it does not know.
   */
  private static Predicate<Network> scope(String value) {
    boolean local = value.equals("local");
    return n -> local;
  }
}
