package dev.berth.client.containers;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.InvalidValueException;
import dev.berth.client.health.GoDuration;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A {@code --change "HEALTHCHECK ..."} of commit and import, read as Docker's daemon reads the
 * instruction: {@code NONE}, or {@code [--interval=D --timeout=D --start-period=D
 * --start-interval=D --retries=N] CMD command} (a JSON array, else the shell form), refused in its
 * builder's words.
 */
final class HealthcheckChange {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> FLAGS = Set.of("interval", "timeout", "start-period", "start-interval", "retries");
  private static final Map<String, String> FIELDS = Map.of("interval", "Interval", "timeout", "Timeout",
      "start-period", "StartPeriod", "start-interval", "StartInterval");

  private HealthcheckChange() {}

  /** The image config's Healthcheck for {@code argument}, the instruction's words after HEALTHCHECK. */
  static ObjectNode read(String argument) {
    Map<String, String> flags = new HashMap<>();
    String rest = argument.strip();
    while (rest.startsWith("--")) {
      String[] flagAndRest = rest.split("\\s+", 2);
      String flag = flagAndRest[0].substring(2);
      int equals = flag.indexOf('=');
      String name = equals < 0 ? flag : flag.substring(0, equals);
      if (!FLAGS.contains(name)) {
        throw new InvalidValueException("Unknown flag: " + name);
      }
      flags.put(name, equals < 0 ? "" : flag.substring(equals + 1));
      rest = flagAndRest.length < 2 ? "" : flagAndRest[1].strip();
    }
    String[] typeAndCommand = rest.split("\\s+", 2);
    String type = typeAndCommand[0].toUpperCase(Locale.ROOT);
    String command = typeAndCommand.length < 2 ? "" : typeAndCommand[1].strip();
    ObjectNode check = JSON.createObjectNode();
    if (type.equals("NONE")) {
      if (!command.isEmpty()) {
        throw new InvalidValueException("HEALTHCHECK NONE takes no arguments");
      }
      check.putArray("Test").add("NONE");
      return check;
    }
    if (!type.equals("CMD")) {
      throw new InvalidValueException("Unknown type \"" + type + "\" in HEALTHCHECK (try CMD)");
    }
    List<String> exec = command.startsWith("[") ? JsonForm.strings(command) : null;
    if (command.isEmpty() || exec != null && exec.isEmpty()) {
      throw new InvalidValueException("Missing command after HEALTHCHECK CMD");
    }
    var test = check.putArray("Test");
    if (exec != null) {
      test.add("CMD");
      exec.forEach(test::add);
    } else {
      test.add("CMD-SHELL").add(command);
    }
    for (Map.Entry<String, String> f : FIELDS.entrySet()) {
      String value = flags.get(f.getKey());
      if (value != null && !value.isEmpty()) {
        Duration d = GoDuration.parse("--" + f.getKey(), value);
        if (!d.isZero() && d.compareTo(Duration.ofMillis(1)) < 0) {
          throw new InvalidValueException("Interval \"" + f.getKey() + "\" cannot be less than 1ms");
        }
        // zero is the default, which Docker's JSON leaves out (omitempty)
        if (!d.isZero()) {
          check.put(f.getValue(), d.toNanos());
        }
      }
    }
    String retries = flags.get("retries");
    if (retries != null && !retries.isEmpty() && retries(retries) != 0) {
      check.put("Retries", retries(retries));
    }
    return check;
  }

  /** strconv.ParseInt(text, 10, 32), and not negative, as Docker's builder reads --retries. */
  private static int retries(String text) {
    int value;
    try {
      value = Integer.parseInt(text);
    } catch (NumberFormatException e) {
      String why = text.matches("[+-]?\\d+") ? "value out of range" : "invalid syntax";
      throw new InvalidValueException("strconv.ParseInt: parsing \"" + text + "\": " + why);
    }
    if (value < 0) {
      throw new InvalidValueException("--retries cannot be negative (" + value + ")");
    }
    return value;
  }
}
