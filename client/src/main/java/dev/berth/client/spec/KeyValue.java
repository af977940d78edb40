package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;

/**
 * A {@code KEY=VALUE} flag value, as Docker's {@code --label} and {@code --annotation} take them;
 * {@code KEY} alone has the empty value.
 */
public record KeyValue(String key, String value) {
  /** {@code what} names the flag's kind in the error, e.g. "label". */
  public static KeyValue parse(String what, String text) {
    int equals = text.indexOf('=');
    String key = equals < 0 ? text : text.substring(0, equals);
    if (key.isBlank()) {
      throw InvalidValueException.of(what, text, "the key is empty");
    }
    return new KeyValue(key, equals < 0 ? "" : text.substring(equals + 1));
  }
}
