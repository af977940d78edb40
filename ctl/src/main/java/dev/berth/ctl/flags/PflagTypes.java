package dev.berth.ctl.flags;

import dev.berth.client.images.ImageNames;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.Stack;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.IParameterPreprocessor;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The value types of Docker's CLI flags, as picocli converters: each reads a flag's value as the
 * Go type Docker declares it with and refuses what that type refuses, in its words. Give every
 * numeric flag one ({@code @Option(converter = PflagTypes.Int64Text.class)}); the {@code Text}
 * ones hand on the value as plain decimal text for the options berthd's client takes as text.
 */
public final class PflagTypes {
  /** go-units' binary multipliers, by suffix letter. */
  private static final String UNITS = "kmgtp";
  /** big.Rat's SetString: a fraction, or a decimal number with an optional exponent. */
  private static final Pattern FRACTION = Pattern.compile("([+-]?\\d+)/(\\d+)");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final BigDecimal NANOS = BigDecimal.valueOf(1_000_000_000L);

  private PflagTypes() {}

  /**
   * Docker's {@code --label} of volume create: {@code KEY=VALUE}, or {@code KEY} alone for an empty
   * value, refused as its opts.ValidateLabel refuses an empty key or one with white space. {@link
   * #labelMap} makes the labels of the values, as Docker's CLI does.
   */
  public static final class Label implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      String key = value.split("=", 2)[0].stripLeading();
      if (key.isEmpty()) {
        throw new GoValueError("invalid label '" + value + "': empty name");
      }
      if (key.chars().anyMatch(Character::isWhitespace)) {
        throw new GoValueError("label '" + key + "' contains whitespaces");
      }
      return value;
    }
  }

  /** The labels of {@link Label} values, the last of a key winning. */
  public static Map<String, String> labelMap(List<String> values) {
    return mapOpts(values);
  }

  /**
   * The map of Docker's opts.MapOpts from its flag's values: each cut at its first {@code =}, a
   * value without one an empty value of that key ({@code --ipam-opt bad} is {@code bad=""}), the
   * last of a key winning.
   */
  public static Map<String, String> mapOpts(List<String> values) {
    Map<String, String> map = new TreeMap<>();
    for (String v : values == null ? List.<String>of() : values) {
      String[] kv = v.split("=", 2);
      map.put(kv[0], kv.length == 2 ? kv[1] : "");
    }
    return map;
  }

  /** pflag's int64, and its int: Go's int is 64 bits on the machines Docker runs on. */
  public static final class Int64 implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      return GoNumbers.parseInt(value, 64);
    }
  }

  /** pflag's int64, handed on as decimal text. */
  public static final class Int64Text implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return Long.toString(GoNumbers.parseInt(value, 64));
    }
  }

  /** pflag's uint16, handed on as decimal text. */
  public static final class Uint16Text implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return Long.toString(GoNumbers.parseUint(value, 16));
    }
  }

  /** Docker's opts.MemBytes (go-units' RAMInBytes: 512m, 1.5g, 64MiB), handed on as bytes in decimal text. */
  public static final class MemBytes implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return Long.toString(ramInBytes(value));
    }
  }

  /** Docker's opts.MemSwapBytes: as {@link MemBytes}, and -1 for unlimited swap. */
  public static final class MemSwapBytes implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      return value.equals("-1") ? value : Long.toString(ramInBytes(value));
    }
  }

  /** Docker's opts.NanoCPUs (a rational number of CPUs, to the nanoCPU), handed on as CPUs in decimal text. */
  public static final class NanoCpus implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      BigDecimal cpus = rational(value);
      BigDecimal nanos = cpus.multiply(NANOS);
      if (nanos.stripTrailingZeros().scale() > 0) {
        throw new GoValueError("value is too precise");
      }
      return cpus.stripTrailingZeros().toPlainString();
    }

    private static BigDecimal rational(String value) {
      Matcher fraction = FRACTION.matcher(value);
      try {
        if (fraction.matches()) {
          BigInteger denominator = new BigInteger(fraction.group(2));
          if (denominator.signum() != 0) {
            BigDecimal numerator = new BigDecimal(fraction.group(1));
            // a fraction whose nanoCPUs are not whole is too precise whatever its decimals
            BigDecimal[] nanos = numerator.multiply(NANOS).divideAndRemainder(new BigDecimal(denominator));
            if (nanos[1].signum() != 0) {
              throw new GoValueError("value is too precise");
            }
            return nanos[0].divide(NANOS);
          }
        } else if (DECIMAL.matcher(value).matches()) {
          return new BigDecimal(value.endsWith(".") ? value + "0" : value);
        }
      } catch (NumberFormatException | ArithmeticException e) {
        // an exponent past BigDecimal's reach: Go's big.Rat refuses it too
      }
      throw new GoValueError("failed to parse " + value + " as a rational number");
    }
  }

  /**
   * Docker's opts.FilterOpt: a list command's or a prune's filter, each a {@code KEY=VALUE}, handed
   * on as Docker's CLI sends it: the key trimmed and in lower case, the value trimmed ({@code
   * "Status = running"} is {@code status=running}). An empty one is left out; give an option both
   * roles: {@code @Option(converter = PflagTypes.Filter.class, preprocessor = PflagTypes.Filter.class)}.
   */
  public static final class Filter implements ITypeConverter<String>, IParameterPreprocessor {
    @Override
    public String convert(String value) {
      int equals = value.indexOf('=');
      if (equals < 0) {
        throw new GoValueError("bad format of filter (expected name=value)");
      }
      return value.substring(0, equals).strip().toLowerCase(Locale.ROOT) + "=" + value.substring(equals + 1).strip();
    }

    /** Takes an empty value ({@code -f ""}, {@code --filter=}) off the arguments, as Docker's CLI ignores it. */
    @Override
    public boolean preprocess(Stack<String> args, CommandSpec command, ArgSpec option, Map<String, Object> info) {
      if (args.isEmpty()) {
        // an empty value attached with '=' is not on the stack at all
        return "=".equals(info.get("separator"));
      }
      if (args.peek().isEmpty()) {
        args.pop();
        return true;
      }
      return false;
    }
  }

  /**
   * pflag's duration (Go's time.ParseDuration: {@code 30s}, {@code 1m30s}, {@code 1.5h}, {@code
   * 500ms}), handed on as nanoseconds ({@code 1500000000ns}); a negative one as typed, for the
   * command to refuse.
   */
  public static final class Duration implements ITypeConverter<String> {
    private static final Pattern PART = Pattern.compile("(\\d*)(?:\\.(\\d*))?([^0-9.]*)");
    private static final Map<String, Long> UNITS = Map.of("ns", 1L, "us", 1_000L, "\u00b5s", 1_000L,
        "\u03bcs", 1_000L, "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

    @Override
    public String convert(String value) {
      boolean negative = value.startsWith("-");
      String rest = negative || value.startsWith("+") ? value.substring(1) : value;
      if (rest.equals("0")) {
        return "0ns";
      }
      if (rest.isEmpty()) {
        throw invalid(value);
      }
      BigDecimal nanos = BigDecimal.ZERO;
      Matcher part = PART.matcher(rest);
      int at = 0;
      while (at < rest.length()) {
        part.region(at, rest.length());
        if (!part.lookingAt() || part.group(1).isEmpty() && (part.group(2) == null || part.group(2).isEmpty())) {
          throw invalid(value);
        }
        if (part.group(3).isEmpty()) {
          throw new GoValueError("time: missing unit in duration \"" + value + "\"");
        }
        Long unit = UNITS.get(part.group(3));
        if (unit == null) {
          throw new GoValueError("time: unknown unit \"" + part.group(3) + "\" in duration \"" + value + "\"");
        }
        String number = (part.group(1).isEmpty() ? "0" : part.group(1))
            + (part.group(2) == null || part.group(2).isEmpty() ? "" : "." + part.group(2));
        nanos = nanos.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
        at = part.end();
      }
      if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        throw invalid(value);
      }
      // Go drops the fraction of a nanosecond
      return negative ? value : nanos.toBigInteger() + "ns";
    }

    private static GoValueError invalid(String value) {
      return new GoValueError("time: invalid duration \"" + value + "\"");
    }
  }

  /**
   * Docker's opts.UlimitOpt (go-units' ParseUlimit: {@code nofile=1024:2048}), handed on as {@code
   * NAME=SOFT:HARD}.
   */
  public static final class Ulimit implements ITypeConverter<String> {
    /** The limits Docker's CLI knows by name (go-units leaves {@code as} out). */
    private static final Set<String> NAMES = Set.of("core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
        "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack");

    @Override
    public String convert(String value) {
      int equals = value.indexOf('=');
      if (equals < 0) {
        throw new GoValueError("invalid ulimit argument: " + value);
      }
      String name = value.substring(0, equals);
      if (!NAMES.contains(name)) {
        throw new GoValueError("invalid ulimit type: " + name);
      }
      String limits = value.substring(equals + 1);
      String[] parts = limits.split(":", -1);
      if (parts.length > 2) {
        throw new GoValueError("too many limit value arguments - " + limits + ", can only have up to two, "
            + "`soft[:hard]`");
      }
      // Go reads the hard limit first
      long hard = parts.length == 2 ? GoNumbers.parseDecimalInt(parts[1]) : 0;
      long soft = GoNumbers.parseDecimalInt(parts[0]);
      if (parts.length == 1) {
        hard = soft;
      }
      if (hard != -1 && soft == -1) {
        throw new GoValueError("ulimit soft limit must be less than or equal to hard limit: soft: -1 (unlimited), "
            + "hard: " + hard);
      }
      if (hard != -1 && soft > hard) {
        throw new GoValueError("ulimit soft limit must be less than or equal to hard limit: " + soft + " > " + hard);
      }
      return name + "=" + soft + ":" + hard;
    }
  }

  /** go-units' RAMInBytes, refusing in its words. */
  static long ramInBytes(String text) {
    int sep = lastIndexOfAny(text, "01234567890. ");
    if (sep == -1) {
      throw new GoValueError("invalid size: '" + text + "'");
    }
    String number = text.charAt(sep) != ' ' ? text.substring(0, sep + 1) : text.substring(0, sep);
    String suffix = text.substring(sep + 1);
    double size = GoNumbers.parseFloat(number);
    if (size < 0) {
      throw new GoValueError("invalid size: '" + text + "'");
    }
    if (suffix.isEmpty()) {
      return (long) size;
    }
    if (suffix.length() > 3) {
      throw badSuffix(suffix);
    }
    suffix = suffix.toLowerCase(Locale.ROOT);
    if (suffix.charAt(0) == 'b') {
      if (suffix.length() > 1) {
        throw badSuffix(suffix);
      }
      return (long) size;
    }
    int power = UNITS.indexOf(suffix.charAt(0)) + 1;
    if (power == 0 || suffix.length() == 2 && suffix.charAt(1) != 'b'
        || suffix.length() == 3 && !suffix.substring(1).equals("ib")) {
      throw badSuffix(suffix);
    }
    return (long) (size * Math.pow(1024, power));
  }

  private static GoValueError badSuffix(String suffix) {
    return new GoValueError("invalid suffix: '" + suffix + "'");
  }

  private static int lastIndexOfAny(String text, String chars) {
    for (int i = text.length() - 1; i >= 0; i--) {
      if (chars.indexOf(text.charAt(i)) >= 0) {
        return i;
      }
    }
    return -1;
  }

  /**
   * build's {@code -t}, checked as Docker's CLI checks it while reading its flags (validateTag):
   * the reason its reference parser gives, the lowercase one named, any other in general words.
   */
  public static final class ImageTag implements ITypeConverter<String> {
    private static final String UPPER_CASE_NAME = "invalid reference format: repository name";

    @Override
    public String convert(String value) {
      try {
        ImageNames.normalize(value);
      } catch (IllegalArgumentException e) {
        throw new GoValueError(e.getMessage().startsWith(UPPER_CASE_NAME) ? e.getMessage() : "invalid reference format");
      }
      return value;
    }
  }
}
