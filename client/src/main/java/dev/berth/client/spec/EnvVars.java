package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import dev.berth.client.ClientException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
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

  /**
   * The variables of an {@code --env-file}: one {@code KEY=VALUE} or {@code KEY} per line, blank
   * lines and lines starting with {@code #} skipped; values are taken literally (no quotes removed).
   */
  public static List<String> fromFile(String content, Map<String, String> clientEnv) {
    List<String> vars = new ArrayList<>();
    for (String line : content.split("\r?\n", -1)) {
      String trimmed = line.stripLeading();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int equals = trimmed.indexOf('=');
      String key = equals < 0 ? trimmed.stripTrailing() : trimmed.substring(0, equals);
      if (key.isEmpty()) {
        throw InvalidValueException.of("env file line", line, "the name is empty");
      }
      if (key.chars().anyMatch(Character::isWhitespace)) {
        throw InvalidValueException.of("env file line", line, "the name \"" + key + "\" contains whitespace");
      }
      fromFlag(equals < 0 ? key : trimmed, clientEnv).ifPresent(vars::add);
    }
    return vars;
  }

  /** The variables of the {@code --env-file} {@code file}, as {@link #fromFile(String, Map)} reads them. */
  public static List<String> read(Path file, Map<String, String> clientEnv) {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ClientException("cannot read env file " + file + ": no such file", e);
    } catch (IOException e) {
      throw new ClientException("cannot read env file " + file + ": " + e.getMessage(), e);
    }
    return fromFile(content, clientEnv);
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
