package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import dev.berth.client.InvalidParameterException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsers for Docker's resource flags ({@code --memory 512m}, {@code --memory-swap -1},
 * {@code --cpus 1.5}, {@code --cpu-shares}, {@code --cpuset-cpus 0-2,4}, {@code --pids-limit}),
 * giving the values {@link SpecBuilder} takes. Each names the bad value when it refuses one.
 */
public final class ResourceFlags {
  /** A number, a binary unit (k = 1024), an optional {@code i} and {@code b}: 512m, 1.5g, 64MiB, 1024. */
  private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?) ?([kmgtp])?i?b?", Pattern.CASE_INSENSITIVE);
  private static final Pattern CPUSET_ITEM = Pattern.compile("(\\d+)(?:-(\\d+))?");
  /** The CFS period Docker's --cpus uses, in microseconds. */
  public static final long CPU_PERIOD = 100_000;
  /** The kernel refuses a CFS quota under 1 ms. */
  private static final long MIN_CPU_QUOTA = 1_000;
  /** The range the kernel's cpu.shares accepts. */
  static final long MIN_CPU_SHARES = 2;
  static final long MAX_CPU_SHARES = 262_144;

  /** A CFS quota and period in microseconds: {@code --cpus 1.5} is 150000 of 100000. */
  public record CpuQuota(long quota, long period) {}

  private ResourceFlags() {}

  /** A size in bytes: {@code 512m}, {@code 1g}, {@code 1.5G}, {@code 64MiB}, {@code 1024} (units are powers of 1024). */
  public static long bytes(String what, String text) {
    Matcher m = SIZE.matcher(text);
    if (!m.matches()) {
      throw InvalidValueException.of(what, text, "expected a number with an optional unit b, k, m, g, t or p, like 512m");
    }
    int power = m.group(2) == null ? 0 : "kmgtp".indexOf(m.group(2).toLowerCase(Locale.ROOT)) + 1;
    BigInteger bytes = new BigDecimal(m.group(1)).multiply(new BigDecimal(BigInteger.ONE.shiftLeft(10 * power)))
        .toBigInteger();
    if (bytes.bitLength() > 63) {
      throw InvalidValueException.of(what, text, "too large");
    }
    return bytes.longValue();
  }

  /**
   * {@code --memory}: a size, at least 6 MiB as Docker asks (a container needs some to start). Below
   * that, the refusal is Docker's daemon's, which its CLI lets through for run, create and update.
   */
  public static long memory(String text) {
    long bytes = bytes("memory limit", text);
    if (bytes < SpecBuilder.MIN_MEMORY) {
      throw new InvalidParameterException("Minimum memory limit allowed is 6MB");
    }
    return bytes;
  }

  /** {@code --memory-swap}: memory plus swap as a size, or -1 for unlimited swap. */
  public static long memorySwap(String text) {
    return text.equals("-1") ? -1 : bytes("memory-swap limit", text);
  }

  /** {@code --cpus}: a decimal number of CPUs, at least 0.01, as a CFS quota over {@link #CPU_PERIOD}. */
  public static CpuQuota cpus(String text) {
    BigDecimal cpus;
    try {
      cpus = new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw InvalidValueException.of("number of CPUs", text, "not a decimal number");
    }
    BigDecimal quota = cpus.multiply(BigDecimal.valueOf(CPU_PERIOD));
    if (quota.compareTo(BigDecimal.valueOf(MIN_CPU_QUOTA)) < 0) {
      throw InvalidValueException.of("number of CPUs", text, "the minimum is 0.01");
    }
    if (quota.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw InvalidValueException.of("number of CPUs", text, "too large");
    }
    return new CpuQuota(quota.longValue(), CPU_PERIOD);
  }

  /**
   * {@code --cpu-quota} and {@code --cpu-period} (either may be null): the CFS quota in
   * microseconds per period (at least 1 ms; -1 for none), the period from 1 ms to 1 s (100 ms
   * unless given).
   */
  public static CpuQuota cfs(String quotaText, String periodText) {
    long period = periodText == null ? CPU_PERIOD : cpuPeriod(periodText);
    return new CpuQuota(quotaText == null ? -1 : cpuQuota(quotaText), period);
  }

  /** {@code --cpu-quota}: microseconds of CPU time per CFS period, at least 1 ms, or -1 for none. */
  public static long cpuQuota(String text) {
    long quota = integer("CPU quota", text);
    if (quota != -1 && quota < MIN_CPU_QUOTA) {
      throw InvalidValueException.of("CPU quota", text, "the minimum is 1000 microseconds, or -1 for none");
    }
    return quota;
  }

  /** {@code --cpu-period}: the CFS period in microseconds, from 1 ms to 1 s. */
  public static long cpuPeriod(String text) {
    long period = integer("CPU period", text);
    if (period < 1_000 || period > 1_000_000) {
      throw InvalidValueException.of("CPU period", text, "must be from 1000 to 1000000 microseconds");
    }
    return period;
  }

  /** {@code --cpu-shares}: a relative weight from 2 to 262144 (Docker's default weight is 1024). */
  public static long cpuShares(String text) {
    long shares = integer("CPU shares", text);
    if (shares < MIN_CPU_SHARES || shares > MAX_CPU_SHARES) {
      throw InvalidValueException.of("CPU shares", text, "must be from 2 to 262144");
    }
    return shares;
  }

  /** {@code --cpuset-cpus}: CPU numbers and ranges, like {@code 0-2,4}; returned as given. */
  public static String cpuset(String text) {
    for (String item : text.split(",", -1)) {
      Matcher m = CPUSET_ITEM.matcher(item);
      if (!m.matches()) {
        throw InvalidValueException.of("cpuset", text, "expected CPU numbers and ranges, like 0-2,4");
      }
      if (m.group(2) != null && new BigInteger(m.group(1)).compareTo(new BigInteger(m.group(2))) > 0) {
        throw InvalidValueException.of("cpuset", text, "range " + item + " runs backwards");
      }
    }
    return text;
  }

  /** {@code --pids-limit}: a positive number of processes, or 0 or -1 for no limit (then -1). */
  public static long pidsLimit(String text) {
    long limit = integer("pids limit", text);
    if (limit < -1) {
      throw InvalidValueException.of("pids limit", text, "must be positive, or -1 for no limit");
    }
    return limit <= 0 ? -1 : limit;
  }

  static long integer(String what, String text) {
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw InvalidValueException.of(what, text, "not a whole number");
    }
  }
}
