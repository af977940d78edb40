package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;

/**
 * A Docker {@code --filter} on labels, as the prune commands take it, in containerd's filter
 * syntax for Berth's APIs: {@code label=KEY} (the label is present), {@code label=KEY=VALUE},
 * {@code label!=KEY=VALUE} (absent, or another value).
 */
public final class LabelFilter {
  private LabelFilter() {}

  public static String parse(String text) {
    boolean negated = text.startsWith("label!=");
    if (!negated && !text.startsWith("label=")) {
      throw InvalidValueException.of("filter", text, "expected label=KEY[=VALUE] or label!=KEY=VALUE");
    }
    KeyValue kv = KeyValue.parse("filter", text.substring(negated ? "label!=".length() : "label=".length()));
    boolean hasValue = text.indexOf('=', text.indexOf('=') + 1) >= 0;
    String field = "labels.\"" + kv.key().replace("\"", "\\\"") + "\"";
    if (negated && !hasValue) {
      throw InvalidValueException.of("filter", text, "label!= takes KEY=VALUE");
    }
    if (!hasValue) {
      return field;
    }
    return field + (negated ? "!=" : "==") + "\"" + kv.value().replace("\"", "\\\"") + "\"";
  }
}
