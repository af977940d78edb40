package dev.berth.ctl.output;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Docker's {@code --filter KEY=VALUE} of a list command: values of one key match if any of them
 * does, different keys must all match, and every {@code label=} must match (Docker's daemon asks
 * for each label given, not for one of them).
 */
public final class KeyedFilters<T> implements Predicate<T> {
  /** The test a filter of one of the command's keys asks for; a value it does not take is an {@link InvalidFilter}. */
  public interface Parser<T> {
    Predicate<T> parse(String key, String value);
  }

  private final Map<String, List<Predicate<T>>> byKey = new LinkedHashMap<>();
  private final List<Predicate<T>> everyLabel = new ArrayList<>();

  /**
   * Each {@code KEY=VALUE} of {@code filters} through {@code parser}; a key not among {@code keys},
   * or a filter without '=', is an {@link InvalidFilter}, as Docker's daemon refuses it.
   */
  public static <T> KeyedFilters<T> parse(List<String> filters, List<String> keys, Parser<T> parser) {
    KeyedFilters<T> parsed = new KeyedFilters<>();
    for (String f : filters) {
      int equals = f.indexOf('=');
      String key = equals < 0 ? f : f.substring(0, equals);
      if (equals < 0 || !keys.contains(key)) {
        throw InvalidFilter.key(key, keys);
      }
      parsed.add(key, parser.parse(key, f.substring(equals + 1)));
    }
    return parsed;
  }

  public void add(String key, Predicate<T> test) {
    if (key.equals("label")) {
      everyLabel.add(test);
    } else {
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(test);
    }
  }

  @Override
  public boolean test(T item) {
    return everyLabel.stream().allMatch(p -> p.test(item))
        && byKey.values().stream().allMatch(any -> any.stream().anyMatch(p -> p.test(item)));
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

  /**
   * Docker's daemon's match of a filter's value, as {@code name=} of {@code volume ls} and
   * {@code network ls} and the latter's {@code id=} take it: the whole text, or a Go regular
   * expression found in it, so {@code name=^web$} is an exact match and {@code name=we} any name
   * holding it. As in Docker's daemon, a value that is no regular expression matches itself only.
   */
  public static Predicate<String> matching(String value) {
    Pattern pattern;
    try {
      pattern = Pattern.compile(value);
    } catch (PatternSyntaxException e) {
      return value::equals;
    }
    return text -> text.equals(value) || pattern.matcher(text).find();
  }
}
