package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.node.LongNode;

/**
 * A Go {@code time.Duration} of Docker's types ({@code Config.Healthcheck.Interval}, ...): JSON
 * writes its nanoseconds, so {@code json}, {@code printf "%d"} and comparisons see a number, but
 * Go's templates print it through its {@code String} method, {@code 30s} or {@code 1m30s}.
 */
final class GoDuration extends LongNode {
  private static final long serialVersionUID = 1L;
  private static final long MICROSECOND = 1_000;
  private static final long MILLISECOND = 1_000_000;
  private static final long SECOND = 1_000_000_000;

  GoDuration(long nanoseconds) {
    super(nanoseconds);
  }

  /** Go's {@code Duration.String}: {@code 0s}, {@code 1.5ms}, {@code 30s}, {@code 1h0m0s}. */
  String printed() {
    long d = longValue();
    if (d == 0) {
      return "0s";
    }
    String sign = d < 0 ? "-" : "";
    // unsigned, as Go's: the magnitude of Long.MIN_VALUE is 2^63
    long u = d < 0 ? -d : d;
    if (Long.compareUnsigned(u, SECOND) < 0) {
      if (u < MICROSECOND) {
        return sign + u + "ns";
      }
      return sign + (u < MILLISECOND ? fraction(u, MICROSECOND) + "µs" : fraction(u, MILLISECOND) + "ms");
    }
    long seconds = Long.divideUnsigned(u, SECOND);
    String text = seconds % 60 + decimals(Long.remainderUnsigned(u, SECOND), SECOND) + "s";
    long minutes = seconds / 60;
    if (minutes > 0) {
      text = minutes % 60 + "m" + text;
      long hours = minutes / 60;
      if (hours > 0) {
        text = hours + "h" + text;
      }
    }
    return sign + text;
  }

  /** {@code value} in {@code unit}s with the decimals Go keeps (none trailing). */
  private static String fraction(long value, long unit) {
    return value / unit + decimals(value % unit, unit);
  }

  /** {@code remainder} of a {@code unit} as Go writes it after the point: {@code .5}, nothing for 0. */
  private static String decimals(long remainder, long unit) {
    if (remainder == 0) {
      return "";
    }
    String digits = String.valueOf(unit + remainder).substring(1).replaceAll("0+$", "");
    return "." + digits;
  }
}
