package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A file of {@code KEY=VALUE} lines as Docker's CLI reads {@code --env-file} and {@code --label-file}
 * (its kvfile package): leading whitespace and blank or {@code #} lines skipped, the value kept as
 * written (trailing whitespace and quotes included), a key with whitespace refused, and a line
 * that is only a key taking its value from {@code lookup} or, when that has none, left out.
 */
public final class KeyValueFile {
  private static final char BOM = '\uFEFF';

  private KeyValueFile() {}

  /** The lines of {@code file} as {@code KEY=VALUE}; refusals in Docker's words, naming the file. */
  public static List<String> read(Path file, Function<String, Optional<String>> lookup) {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new InvalidValueException("open " + file + ": no such file or directory");
    } catch (IOException e) {
      throw new InvalidValueException("open " + file + ": " + e.getMessage());
    }
    return parse(content, file.toString(), lookup);
  }

  /** The lines of {@code content}, read from {@code fileName}. */
  public static List<String> parse(String content, String fileName, Function<String, Optional<String>> lookup) {
    List<String> lines = new ArrayList<>();
    String[] raw = content.split("\n", -1);
    for (int i = 0; i < raw.length; i++) {
      String line = raw[i].endsWith("\r") ? raw[i].substring(0, raw[i].length() - 1) : raw[i];
      if (i == 0 && !line.isEmpty() && line.charAt(0) == BOM) {
        line = line.substring(1);
      }
      line = line.stripLeading();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      int equals = line.indexOf('=');
      String key = equals < 0 ? line : line.substring(0, equals);
      if (key.isEmpty()) {
        throw refused(fileName, "no variable name on line '" + line + "'");
      }
      if (key.indexOf(' ') >= 0 || key.indexOf('\t') >= 0) {
        throw refused(fileName, "variable '" + key + "' contains whitespaces");
      }
      if (equals >= 0) {
        lines.add(line);
      } else {
        lookup.apply(key).ifPresent(value -> lines.add(key + "=" + value));
      }
    }
    return lines;
  }

  // Docker's CLI says "env file" for label files too: both go through the one parser
  private static InvalidValueException refused(String fileName, String why) {
    return new InvalidValueException("invalid env file (" + fileName + "): " + why);
  }
}
