package dev.berth.client.system;

import dev.berth.api.InvalidValueException;
import dev.berth.client.spec.LabelFilters;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Docker's prune {@code --filter}s as its daemon reads them: {@code label=KEY[=VALUE]} and
 * {@code label!=KEY[=VALUE]} ({@link LabelFilters}), and {@code until=T} (created before T).
 */
public record PruneFilter(LabelFilters labels, Optional<Instant> until) {
  /** The keys Docker's daemon takes in a container or network prune (an image prune adds {@code dangling}). */
  public static final Set<String> KEYS = Set.of("label", "label!", "until");

  /**
   * {@code filters} ({@code KEY=VALUE}, as Docker's CLI's flag takes them) read as Docker's daemon
   * reads a prune's: a key outside {@code keys} is refused first ({@code invalid filter 'KEY'}),
   * then more than one {@code until} value; {@code time} reads until's value (Docker's
   * timestamps: a duration ago, a date, Unix seconds) and refuses it in its own words. Keys of
   * {@code keys} other than these three are the caller's to read.
   *
   * @throws InvalidValueException in Docker's daemon's words
   */
  public static PruneFilter parse(List<String> filters, Set<String> keys, Function<String, Instant> time) {
    return parse(filters, keys, time, false);
  }

  /**
   * As {@link #parse(List, Set, Function)}, but for an image prune, which takes several
   * {@code until} values: Docker 27's containerd image store asks for each (moby's setupFilters),
   * so what is pruned was created before the earliest.
   */
  public static PruneFilter parseEveryUntil(List<String> filters, Set<String> keys, Function<String, Instant> time) {
    return parse(filters, keys, time, true);
  }

  private static PruneFilter parse(List<String> filters, Set<String> keys, Function<String, Instant> time,
      boolean everyUntil) {
    List<String> given = filters == null ? List.of() : filters;
    refuseUnknownKeys(given, keys);
    LabelFilters labels = LabelFilters.NONE;
    // Docker's filters are sets of values: the same one twice is one
    Set<String> untils = new LinkedHashSet<>();
    for (String f : given) {
      if (LabelFilters.isLabelFilter(f)) {
        labels = labels.with(f);
      } else if (key(f).equals("until")) {
        untils.add(f.substring("until=".length()));
      }
    }
    if (untils.size() > 1 && !everyUntil) {
      throw new InvalidValueException("more than one until filter specified");
    }
    return new PruneFilter(labels, untils.stream().map(time).min(Comparator.naturalOrder()));
  }

  /** Refuses, as Docker's daemon does before anything else, a filter whose key is not one of {@code keys}. */
  public static void refuseUnknownKeys(List<String> filters, Set<String> keys) {
    for (String f : filters == null ? List.<String>of() : filters) {
      if (!keys.contains(key(f))) {
        throw new InvalidValueException("invalid filter '" + key(f) + "'");
      }
    }
  }

  /** The values of key {@code key} in {@code filters}, each once, in the order given. */
  public static Set<String> values(List<String> filters, String key) {
    Set<String> values = new LinkedHashSet<>();
    for (String f : filters == null ? List.<String>of() : filters) {
      if (key(f).equals(key)) {
        values.add(f.substring(key.length() + 1));
      }
    }
    return values;
  }

  private static String key(String filter) {
    int equals = filter.indexOf('=');
    return equals < 0 ? filter : filter.substring(0, equals);
  }

  /** Whether something created at {@code created} is old enough. */
  public boolean createdBefore(Instant created) {
    return until.map(created::isBefore).orElse(true);
  }

  /** Whether something with {@code labels}, created at {@code created}, is to be pruned. */
  public boolean matches(Map<String, String> labels, Instant created) {
    return this.labels.matches(labels) && createdBefore(created);
  }
}
