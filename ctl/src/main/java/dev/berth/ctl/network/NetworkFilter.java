package dev.berth.ctl.network;

import berth.network.v1.Network;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.output.KeyedFilters;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Docker's filters of {@code network ls}: {@code name=PATTERN} (as {@link KeyedFilters#matching}),
 * {@code id=PART} (all or part of the id, matched as the name is), {@code label=KEY} or
 * {@code label=KEY=VALUE}, {@code driver=bridge}, {@code type=builtin|custom} (the default network
 * is the built-in one), {@code scope=SCOPE} (every network here is {@code local}) and
 * {@code dangling=true|false} (no container attached, never Docker's predefined networks),
 * combined as {@link KeyedFilters} combines them.
 */
final class NetworkFilter {
  private static final List<String> KEYS = List.of("name", "id", "label", "driver", "type", "scope", "dangling");
  /** Docker's predefined networks, which are never dangling: Berth has the bridge alone, but names are names. */
  private static final Set<String> PREDEFINED = Set.of("bridge", "host", "none");

  private NetworkFilter() {}

  /**
   * {@code inUse} names the networks containers are attached to; it is asked only for a
   * {@code dangling=} filter, so that the other filters cost no call to berthd.
   */
  static KeyedFilters<Network> parse(List<String> filters, Supplier<Set<String>> inUse) {
    if (filters.stream().filter(f -> f.startsWith("dangling=")).count() > 1) {
      throw new DaemonError("got more than one value for filter key \"dangling\"");
    }
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
      case "dangling" -> dangling(value, inUse);
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

  private static Predicate<Network> dangling(String value, Supplier<Set<String>> inUse) {
    boolean danglingOnly = switch (value) {
      case "1", "true" -> true;
      case "0", "false" -> false;
      default -> throw new DaemonError(
          "invalid value for filter 'dangling', must be \"true\" (or \"1\"), or \"false\" (or \"0\")");
    };
    // one call to berthd for all the networks
    AtomicReference<Set<String>> attached = new AtomicReference<>();
    return n -> {
      boolean used = predefined(n) || attached.updateAndGet(known -> known != null ? known : inUse.get())
          .contains(n.getName());
      return danglingOnly != used;
    };
  }

  private static boolean predefined(Network n) {
    return n.getIsDefault() || PREDEFINED.contains(n.getName());
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
