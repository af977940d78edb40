package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Docker's {@code --filter label=…} of the prune commands, as its daemon matches them: every
 * {@code label=KEY[=VALUE]} must match, and what every {@code label!=KEY[=VALUE]} matches is
 * kept. Matched in the client: containerd's filter strings OR each other and cannot say that a
 * key is absent.
 */
public record LabelFilters(List<Match> wanted, List<Match> unwanted) {
  public static final LabelFilters NONE = new LabelFilters(List.of(), List.of());

  /** {@code KEY} (the label is there, any value) or {@code KEY=VALUE}. */
  public record Match(String key, Optional<String> value) {
    boolean in(Map<String, String> labels) {
      return labels.containsKey(key) && value.map(v -> v.equals(labels.get(key))).orElse(true);
    }
  }

  public LabelFilters {
    wanted = List.copyOf(wanted);
    unwanted = List.copyOf(unwanted);
  }

  /** Whether {@code text} is a label filter, for {@link #with}. */
  public static boolean isLabelFilter(String text) {
    return text.startsWith("label=") || text.startsWith("label!=");
  }

  /** {@code filters}, each of which must be a label filter; none at all matches everything. */
  public static LabelFilters parse(List<String> filters) {
    LabelFilters parsed = NONE;
    for (String f : filters == null ? List.<String>of() : filters) {
      parsed = parsed.with(f);
    }
    return parsed;
  }

  /** These and {@code text}: {@code label=KEY[=VALUE]} or {@code label!=KEY[=VALUE]}. */
  public LabelFilters with(String text) {
    if (!isLabelFilter(text)) {
      throw InvalidValueException.of("filter", text, "expected label=KEY[=VALUE] or label!=KEY[=VALUE]");
    }
    boolean negated = text.startsWith("label!=");
    String rest = text.substring(negated ? "label!=".length() : "label=".length());
    KeyValue kv = KeyValue.parse("filter", rest);
    Match match = new Match(kv.key(), rest.contains("=") ? Optional.of(kv.value()) : Optional.empty());
    List<Match> more = new ArrayList<>(negated ? unwanted : wanted);
    more.add(match);
    return negated ? new LabelFilters(wanted, more) : new LabelFilters(more, unwanted);
  }

  public boolean isEmpty() {
    return wanted.isEmpty() && unwanted.isEmpty();
  }

  public boolean matches(Map<String, String> labels) {
    return wanted.stream().allMatch(m -> m.in(labels))
        && (unwanted.isEmpty() || !unwanted.stream().allMatch(m -> m.in(labels)));
  }
}
