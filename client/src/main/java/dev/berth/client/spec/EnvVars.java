package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Environment variables as Docker takes them: {@code -e KEY=VALUE}, {@code -e KEY} (the value of
 * KEY in the client's own environment, or nothing when it has none), {@code --env-file} files, and
 * the merge of the image's variables with the flags' (a later KEY replaces an earlier one in place).
 */
public final class EnvVars {
  private EnvVars() {}

  /** One {@code -e} value as {@code KEY=VALUE}; empty for {@code KEY} when {@code clientEnv} lacks it. */
  public static Optional<String> fromFlag(String text, Map<String, String> clientEnv) {
    int equals = text.indexOf('=');
    String key = equals < 0 ? text : text.substring(0, equals);
    if (key.isEmpty()) {
      throw InvalidValueException.of("environment variable", text, "the name is empty");
    }
    if (equals >= 0) {
      return Optional.of(text);
    }
    String value = clientEnv.get(key);
    return value == null ? Optional.empty() : Optional.of(key + "=" + value);
  }

  /** The variables of the {@code --env-file} {@code file}, as Docker's CLI reads it ({@link KeyValueFile}). */
  public static List<String> read(Path file, Map<String, String> clientEnv) {
    return KeyValueFile.read(file, key -> Optional.ofNullable(clientEnv.get(key)));
  }

  /** {@code base} with each of {@code overrides} replacing the variable of its name, or appended. */
  public static List<String> merge(List<String> base, List<String> overrides) {
    Map<String, String> byKey = new LinkedHashMap<>();
    for (String var : base) {
      byKey.put(key(var), var);
    }
    for (String var : overrides) {
      byKey.put(key(var), var);
    }
    return List.copyOf(byKey.values());
  }

  private static String key(String var) {
    int equals = var.indexOf('=');
    return equals < 0 ? var : var.substring(0, equals);
  }
}
