package dev.berth.ctl.output;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Docker's {@code --filter KEY=VALUE} of a list command: values of one key match if any of them
 * does, different keys must all match.
 */
public final class KeyedFilters<T> implements Predicate<T> {
  private final Map<String, List<Predicate<T>>> byKey = new LinkedHashMap<>();

  public void add(String key, Predicate<T> test) {
    byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(test);
  }

  @Override
  public boolean test(T item) {
    return byKey.values().stream().allMatch(any -> any.stream().anyMatch(p -> p.test(item)));
  }

  /** {@code label=KEY} (the label is there) or {@code label=KEY=VALUE}, {@code value} being what follows "label=". */
  public static <T> Predicate<T> label(String value, Function<T, Map<String, String>> labels) {
    int equals = value.indexOf('=');
    if (equals < 0) {
      return item -> labels.apply(item).containsKey(value);
    }
    String key = value.substring(0, equals);
    String wanted = value.substring(equals + 1);
    return item -> wanted.equals(labels.apply(item).get(key));
  }
}
