package dev.berth.tasks.logs;

import com.google.protobuf.Timestamp;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;

/**
 * A CRI log line's time. conmon writes every line's as {@code 2024-05-01T10:00:00.123456789+00:00}
 * (or with {@code Z}): that layout is read digit by digit, since {@link DateTimeFormatter} took
 * most of the time of reading a long log; any other RFC 3339 time goes to the formatter.
 */
final class CriTime {
  private static final int DATE_TIME = "2024-05-01T10:00:00".length();

  private CriTime() {}

  /** Whether {@code a} is earlier than {@code b}. */
  static boolean before(Timestamp a, Timestamp b) {
    return a.getSeconds() < b.getSeconds() || (a.getSeconds() == b.getSeconds() && a.getNanos() < b.getNanos());
  }

  /** The time in {@code bytes[from, to)}; empty when it is none. */
  static Optional<Timestamp> parse(byte[] bytes, int from, int to) {
    Optional<Timestamp> fast = conmons(bytes, from, to);
    return fast.isPresent() ? fast : formatted(new String(bytes, from, to - from, StandardCharsets.US_ASCII));
  }

  private static Optional<Timestamp> conmons(byte[] b, int from, int to) {
    if (to - from < DATE_TIME + 1 || b[from + 4] != '-' || b[from + 7] != '-' || b[from + 10] != 'T'
        || b[from + 13] != ':' || b[from + 16] != ':') {
      return Optional.empty();
    }
    int year = digits(b, from, 4);
    int month = digits(b, from + 5, 2);
    int day = digits(b, from + 8, 2);
    int hour = digits(b, from + 11, 2);
    int minute = digits(b, from + 14, 2);
    int second = digits(b, from + 17, 2);
    if ((year | month | day | hour | minute | second) < 0 || hour > 23 || minute > 59 || second > 59) {
      return Optional.empty();
    }
    int i = from + DATE_TIME;
    int nanos = 0;
    if (b[i] == '.') {
      int fractionEnd = i + 1;
      while (fractionEnd < to && fractionEnd - i <= 9 && isDigit(b[fractionEnd])) {
        fractionEnd++;
      }
      if (fractionEnd == i + 1) {
        return Optional.empty();
      }
      nanos = digits(b, i + 1, fractionEnd - i - 1);
      for (int n = fractionEnd - i - 1; n < 9; n++) {
        nanos *= 10;
      }
      i = fractionEnd;
    }
    int offsetSeconds;
    if (i + 1 == to && b[i] == 'Z') {
      offsetSeconds = 0;
    } else if (i + 6 == to && (b[i] == '+' || b[i] == '-') && b[i + 3] == ':') {
      int offsetHours = digits(b, i + 1, 2);
      int offsetMinutes = digits(b, i + 4, 2);
      if ((offsetHours | offsetMinutes) < 0 || offsetHours > 18 || offsetMinutes > 59) {
        return Optional.empty();
      }
      offsetSeconds = (b[i] == '-' ? -1 : 1) * (offsetHours * 3600 + offsetMinutes * 60);
    } else {
      return Optional.empty();
    }
    long epochDay;
    try {
      epochDay = LocalDate.of(year, month, day).toEpochDay();
    } catch (DateTimeException e) {
      return Optional.empty();
    }
    long seconds = epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
    return Optional.of(Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build());
  }

  private static Optional<Timestamp> formatted(String text) {
    try {
      OffsetDateTime time = OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
      return Optional.of(Timestamp.newBuilder().setSeconds(time.toEpochSecond()).setNanos(time.getNano()).build());
    } catch (DateTimeException e) {
      return Optional.empty();
    }
  }

  /** The number {@code count} digits make; negative when one is not a digit. */
  private static int digits(byte[] b, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      if (!isDigit(b[i])) {
        return -1;
      }
      value = value * 10 + (b[i] - '0');
    }
    return value;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }
}
