package dev.berth.client.build;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.InvalidValueException;
import dev.berth.client.health.GoDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * HEALTHCHECK: {@code NONE}, or {@code [--interval=D --timeout=D --start-period=D --start-interval=D
 * --retries=N] CMD command} (exec or shell form), as the image config's Healthcheck and as
 * Docker's history shows it (Go's {@code %q} of the struct: {@code &{["CMD-SHELL" "x"] "30s" ...}}).
 */
record HealthcheckInstruction(List<String> test, Duration interval, Duration timeout, Duration startPeriod,
    Duration startInterval, int retries) {
  static HealthcheckInstruction parse(Instruction i) {
    String args = i.arguments().strip();
    String[] keywordAndRest = args.split("\\s+", 2);
    String keyword = keywordAndRest[0].toUpperCase(Locale.ROOT);
    List<String> test = new ArrayList<>();
    if (keyword.equals("NONE")) {
      if (keywordAndRest.length > 1 || !i.flags().isEmpty()) {
        throw DockerfileException.atLine(i.line(), "HEALTHCHECK NONE takes no arguments");
      }
      return new HealthcheckInstruction(List.of("NONE"), Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, 0);
    }
    if (!keyword.equals("CMD") || keywordAndRest.length < 2) {
      throw DockerfileException.atLine(i.line(), "Unknown type \"" + keyword + "\" in HEALTHCHECK (try CMD)");
    }
    Instruction command = DockerfileParser.parse("CMD " + keywordAndRest[1]).instructions().get(0);
    if (command.execForm()) {
      test.add("CMD");
      test.addAll(command.json());
    } else {
      test.add("CMD-SHELL");
      test.add(keywordAndRest[1]);
    }
    int retries = 0;
    if (i.flags().containsKey("retries")) {
      try {
        retries = Integer.parseInt(i.flags().get("retries"));
      } catch (NumberFormatException e) {
        throw DockerfileException.atLine(i.line(), "invalid --retries " + i.flags().get("retries"));
      }
      if (retries < 0) {
        throw DockerfileException.atLine(i.line(), "--retries cannot be negative (" + retries + ")");
      }
    }
    return new HealthcheckInstruction(test, duration(i, "interval"), duration(i, "timeout"),
        duration(i, "start-period"), duration(i, "start-interval"), retries);
  }

  private static Duration duration(Instruction i, String flag) {
    String value = i.flags().get(flag);
    if (value == null) {
      return Duration.ZERO;
    }
    try {
      Duration d = GoDuration.parse("--" + flag, value);
      if (!d.isZero() && d.compareTo(Duration.ofMillis(1)) < 0) {
        throw DockerfileException.atLine(i.line(), "--" + flag + " cannot be less than 1ms");
      }
      return d;
    } catch (InvalidValueException e) {
      throw DockerfileException.atLine(i.line(), e.getMessage());
    }
  }

  /** The config's Healthcheck: durations in nanoseconds, zero ones left out as Docker's JSON leaves them. */
  ObjectNode json() {
    ObjectNode check = JsonNodeFactory.instance.objectNode();
    test.forEach(check.putArray("Test")::add);
    putNanos(check, "Interval", interval);
    putNanos(check, "Timeout", timeout);
    putNanos(check, "StartPeriod", startPeriod);
    putNanos(check, "StartInterval", startInterval);
    if (retries != 0) {
      check.put("Retries", retries);
    }
    return check;
  }

  private static void putNanos(ObjectNode check, String field, Duration d) {
    if (!d.isZero()) {
      check.put(field, d.toNanos());
    }
  }

  String historyText() {
    return "&{" + CreatedBy.quoted(test) + " " + CreatedBy.quote(GoDuration.text(interval)) + " "
        + CreatedBy.quote(GoDuration.text(timeout)) + " " + CreatedBy.quote(GoDuration.text(startPeriod)) + " "
        + CreatedBy.quote(GoDuration.text(startInterval)) + " " + CreatedBy.rune(retries) + "}";
  }
}
