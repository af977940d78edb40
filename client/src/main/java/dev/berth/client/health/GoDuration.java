package dev.berth.client.health;

import dev.berth.api.InvalidValueException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as Go writes them and docker's flags take them: {@code 30s}, {@code 1m30s}, {@code 1.5h}, {@code 500ms}. */
public final class GoDuration {
  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

  private GoDuration() {}

  /** The duration {@code text} names; {@code 0} alone is zero. InvalidValueException naming {@code what} otherwise. */
  public static Duration parse(String what, String text) {
    if (text.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = PART.matcher(text);
    BigDecimal nanos = BigDecimal.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long unit = switch (m.group(2)) {
        case "ns" -> 1L;
        case "us", "µs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(unit)));
      end = m.end();
    }
    if (end == 0 || end != text.length()) {
      throw InvalidValueException.of(what, text, "a duration such as 30s, 1m30s or 500ms");
    }
    return Duration.ofNanos(nanos.longValue());
  }

  /** As Go's Duration.String prints it: {@code 500ms}, {@code 30s}, {@code 1m30s}, {@code 1.5s}. */
  public static String text(Duration d) {
    long nanos = d.toNanos();
    if (nanos == 0) {
      return "0s";
    }
    if (nanos < 1_000_000_000L) {
      long unit = nanos < 1_000 ? 1 : nanos < 1_000_000 ? 1_000 : 1_000_000;
      String name = unit == 1 ? "ns" : unit == 1_000 ? "µs" : "ms";
      return BigDecimal.valueOf(nanos).divide(BigDecimal.valueOf(unit)).stripTrailingZeros().toPlainString() + name;
    }
    long hours = d.toHours();
    int minutes = d.toMinutesPart();
    String seconds = BigDecimal.valueOf(d.toSecondsPart()).add(BigDecimal.valueOf(d.toNanosPart(), 9))
        .stripTrailingZeros().toPlainString();
    return (hours > 0 ? hours + "h" : "") + (hours > 0 || minutes > 0 ? minutes + "m" : "") + seconds + "s";
  }
}
