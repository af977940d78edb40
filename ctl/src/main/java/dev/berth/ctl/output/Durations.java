package dev.berth.ctl.output;

import dev.berth.ctl.CommandFailure;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Times as docker writes and reads them. */
public final class Durations {
  private static final Pattern RELATIVE = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h)");
  private static final Pattern UNIX = Pattern.compile("\\d+(\\.\\d{1,9})?");
  /**
   * The formats of times written and read, made on first use: ps and images say ages without
   * them, and building them cost every listing's start-up.
   */
  private static final class Formats {
    static final DateTimeFormatter GO_SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT);
    static final DateTimeFormatter GO_ZONE = DateTimeFormatter.ofPattern(" xx z", Locale.ROOT);
    static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ssXXX", Locale.ROOT);
    static final DateTimeFormatter NANO_FIXED =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);
    static final DateTimeFormatter NANO_FIXED_ZONED =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSSXXX", Locale.ROOT);
    /**
     * Docker's times: a date, then optionally an hour, minutes, seconds and a fraction, then
     * optionally a zone ({@code Z}, {@code +01:00}); without one the local time.
     */
    static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
        .appendPattern("uuuu-MM-dd")
        .optionalStart().appendLiteral('T').appendPattern("HH")
        .optionalStart().appendLiteral(':').appendPattern("mm")
        .optionalStart().appendLiteral(':').appendPattern("ss")
        .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true).optionalEnd()
        .optionalEnd().optionalEnd().optionalEnd()
        .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
        .parseDefaulting(ChronoField.HOUR_OF_DAY, 0)
        .parseDefaulting(ChronoField.MINUTE_OF_HOUR, 0)
        .parseDefaulting(ChronoField.SECOND_OF_MINUTE, 0)
        .toFormatter();
  }

  private Durations() {}

  /**
   * A duration in docker's words: "Less than a second", "3 seconds", "About a minute",
   * "5 minutes", "About an hour", "3 hours", "2 days", "3 weeks", "4 months", "2 years".
   */
  public static String human(Duration d) {
    long seconds = d.getSeconds();
    if (seconds < 1) {
      return "Less than a second";
    }
    if (seconds == 1) {
      return "1 second";
    }
    if (seconds < 60) {
      return seconds + " seconds";
    }
    long minutes = d.toMinutes();
    if (minutes == 1) {
      return "About a minute";
    }
    if (minutes < 60) {
      return minutes + " minutes";
    }
    long hours = Math.round(d.toMinutes() / 60.0);
    if (hours == 1) {
      return "About an hour";
    }
    if (hours < 48) {
      return hours + " hours";
    }
    if (hours < 24 * 7 * 2) {
      return hours / 24 + " days";
    }
    if (hours < 24 * 30 * 2) {
      return hours / 24 / 7 + " weeks";
    }
    if (hours < 24 * 365 * 2) {
      return hours / 24 / 30 + " months";
    }
    return hours / 24 / 365 + " years";
  }

  /** {@code since} ago in docker's words. */
  public static String ago(Instant since, Instant now) {
    Duration d = Duration.between(since, now);
    return human(d.isNegative() ? Duration.ZERO : d) + " ago";
  }

  /**
   * A time in UTC as Docker's {@code logs -t} and {@code events} print it (Go's
   * {@code RFC3339NanoFixed}): always nine digits of fraction, so the lines' text lines up,
   * where {@link Instant#toString()} drops trailing zeros ({@code 10:00:00.120Z}, {@code 10:00:00Z}).
   */
  public static String rfc3339NanoFixed(Instant time) {
    return Formats.NANO_FIXED.format(time);
  }

  /**
   * As {@link #rfc3339NanoFixed(Instant)} in {@code zone}, as Go writes a local time with that
   * layout: {@code Z} for UTC, else the offset ({@code 2026-12-02T16:04:05.000000000+01:00}).
   */
  public static String rfc3339NanoFixed(Instant time, ZoneId zone) {
    return Formats.NANO_FIXED_ZONED.format(time.atZone(zone));
  }

  /**
   * A time in the local zone as Go's {@code RFC3339} writes it, whole seconds and {@code Z} for
   * UTC ({@code 2024-05-01T10:00:00Z}, {@code 2024-05-01T12:00:00+02:00}): a volume's
   * {@code CreatedAt} as Docker's daemon gives it.
   */
  public static String rfc3339(Instant time) {
    return Formats.RFC3339.format(time.atZone(ZoneId.systemDefault()));
  }

  /**
   * A time as Go prints one ({@code time.Time.String()}), in the local zone, as Docker's listings
   * show {@code CreatedAt}: {@code 2024-05-01 10:00:00 +0000 UTC}, with a fraction of a second
   * (no trailing zeros) when the time has one.
   */
  public static String goString(Instant time) {
    ZonedDateTime local = time.atZone(ZoneId.systemDefault());
    String fraction = "";
    if (time.getNano() != 0) {
      fraction = String.format(Locale.ROOT, ".%09d", time.getNano()).replaceAll("0+$", "");
    }
    return Formats.GO_SECONDS.format(local) + fraction + Formats.GO_ZONE.format(local);
  }

  /**
   * docker's {@code --since}/{@code --until}: an RFC 3339 time ({@code 2024-05-01T10:00:00Z}) or
   * a shorter one ({@code 2024-05-01}, {@code 2024-05-01T10:00}; local time without a zone), a
   * Unix time in seconds ({@code 1714557600.5}) or a duration before now ({@code 10m},
   * {@code 1h30m}, {@code 42s}).
   */
  public static Instant since(String text, Instant now) {
    if (UNIX.matcher(text).matches()) {
      String[] parts = text.split("\\.");
      long nanos = parts.length == 2 ? Long.parseLong((parts[1] + "000000000").substring(0, 9)) : 0;
      return Instant.ofEpochSecond(Long.parseLong(parts[0]), nanos);
    }
    Duration ago = duration(text);
    if (ago != null) {
      return now.minus(ago);
    }
    try {
      TemporalAccessor parsed = Formats.TIME.parse(text.toUpperCase(Locale.ROOT));
      return parsed.isSupported(ChronoField.OFFSET_SECONDS) ? OffsetDateTime.from(parsed).toInstant()
          : LocalDateTime.from(parsed).atZone(ZoneId.systemDefault()).toInstant();
    } catch (DateTimeParseException e) {
      throw new CommandFailure("invalid time \"" + text + "\": expected a time such as 2024-05-01, 2024-05-01T10:00 "
          + "or 2024-05-01T10:00:00Z, a Unix time in seconds or a duration such as 10m");
    }
  }

  /**
   * {@code time}, which {@link #since} read from {@code text}, as Docker's client sends it to its
   * daemon, whose errors quote it: Unix seconds as given, a duration's time in whole seconds, a date
   * in seconds and nanoseconds.
   */
  public static String sentToDaemon(String text, Instant time) {
    if (UNIX.matcher(text).matches()) {
      return text;
    }
    if (duration(text) != null) {
      return Long.toString(time.getEpochSecond());
    }
    return String.format(Locale.ROOT, "%d.%09d", time.getEpochSecond(), time.getNano());
  }

  /** A duration such as {@code 1h30m} or {@code 2.5s}; null for any other text. */
  private static Duration duration(String text) {
    Matcher m = RELATIVE.matcher(text);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      double n = Double.parseDouble(m.group(1));
      long unitMillis = switch (m.group(2)) {
        case "ms" -> 1;
        case "s" -> 1000;
        case "m" -> 60_000;
        default -> 3_600_000;
      };
      total = total.plusMillis((long) (n * unitMillis));
      end = m.end();
    }
    return end > 0 && end == text.length() ? total : null;
  }
}
