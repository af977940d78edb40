package dev.berth.ctl.network;

import berth.network.v1.Network;
import dev.berth.ctl.CommandFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Docker's filters of {@code network ls}: {@code name=PART} (part of the name), {@code label=KEY}
 * or {@code label=KEY=VALUE}, {@code driver=bridge} and {@code type=builtin|custom} (the default
 * network is the built-in one). Values of one key match if any of them does; different keys must
 * all match, as in Docker.
 */
final class NetworkFilter implements Predicate<Network> {
  private final Map<String, List<Predicate<Network>>> byKey;

  private NetworkFilter(Map<String, List<Predicate<Network>>> byKey) {
    this.byKey = byKey;
  }

  static NetworkFilter parse(List<String> filters) {
    Map<String, List<Predicate<Network>>> byKey = new LinkedHashMap<>();
    for (String f : filters) {
      int equals = f.indexOf('=');
      String key = equals < 0 ? "" : f.substring(0, equals);
      String value = f.substring(equals + 1);
      Predicate<Network> test = switch (key) {
        case "name" -> n -> n.getName().contains(value);
        case "label" -> label(value);
        case "driver" -> n -> n.getDriver().equals(value);
        case "type" -> type(f, value);
        default -> throw new CommandFailure("invalid filter '" + f + "': expected name=, label=, driver= or type=");
      };
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(test);
    }
    return new NetworkFilter(byKey);
  }

  private static Predicate<Network> label(String value) {
    int equals = value.indexOf('=');
    if (equals < 0) {
      return n -> n.getLabelsMap().containsKey(value);
    }
    String key = value.substring(0, equals);
    String wanted = value.substring(equals + 1);
    return n -> wanted.equals(n.getLabelsMap().get(key));
  }

  private static Predicate<Network> type(String filter, String value) {
    return switch (value) {
      case "builtin" -> Network::getIsDefault;
      case "custom" -> n -> !n.getIsDefault();
      default -> throw new CommandFailure("invalid filter '" + filter + "': expected type=builtin or type=custom");
    };
  }

  @Override
  public boolean test(Network n) {
    return byKey.values().stream().allMatch(any -> any.stream().anyMatch(p -> p.test(n)));
  }
}
