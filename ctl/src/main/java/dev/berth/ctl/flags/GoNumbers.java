package dev.berth.ctl.flags;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Go's {@code strconv} number parsers as Docker's CLI reads its numeric flags through pflag: {@code
 * ParseInt(s, 0, bits)}, {@code ParseUint(s, 0, bits)} (decimal, {@code 0x}, {@code 0o}, {@code
 * 0b} or a leading {@code 0} for octal, underscores between digits) and {@code ParseFloat(s, 64)}.
 * What Go refuses is refused with Go's error text, as {@link GoValueError}.
 */
public final class GoNumbers {
  /** What Go's ParseFloat takes in base 10 (hexadecimal floats are left out: no one types them in a flag). */
  private static final Pattern DECIMAL_FLOAT = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
  private static final Pattern DECIMAL_INT = Pattern.compile("[+-]?\\d+");
  private static final Pattern SPECIAL_FLOAT = Pattern.compile("[+-]?(inf|infinity|nan)", Pattern.CASE_INSENSITIVE);

  private GoNumbers() {}

  /** {@code strconv.ParseInt(text, 0, bits)}. */
  public static long parseInt(String text, int bits) {
    String unsigned = text.startsWith("+") || text.startsWith("-") ? text.substring(1) : text;
    boolean negative = text.startsWith("-");
    if (text.isEmpty()) {
      throw error("ParseInt", text, "invalid syntax");
    }
    BigInteger magnitude = unsignedValue("ParseInt", text, unsigned, bits);
    BigInteger cutoff = BigInteger.ONE.shiftLeft(bits - 1);
    if (magnitude == null || !negative && magnitude.compareTo(cutoff) >= 0
        || negative && magnitude.compareTo(cutoff) > 0) {
      throw error("ParseInt", text, "value out of range");
    }
    return negative ? magnitude.negate().longValueExact() : magnitude.longValueExact();
  }

  /** {@code strconv.ParseInt(text, 10, 64)}: decimal digits alone, with a sign or not. */
  public static long parseDecimalInt(String text) {
    if (!DECIMAL_INT.matcher(text).matches()) {
      throw error("ParseInt", text, "invalid syntax");
    }
    BigInteger value = new BigInteger(text);
    if (value.bitLength() > 63) {
      throw error("ParseInt", text, "value out of range");
    }
    return value.longValue();
  }

  /** {@code strconv.ParseUint(text, 0, bits)}; a uint64 past Long.MAX_VALUE comes back as its two's complement. */
  public static long parseUint(String text, int bits) {
    BigInteger value = unsignedValue("ParseUint", text, text, bits);
    if (value == null) {
      throw error("ParseUint", text, "value out of range");
    }
    return value.longValue();
  }

  /** {@code strconv.ParseFloat(text, 64)}. */
  public static double parseFloat(String text) {
    if (SPECIAL_FLOAT.matcher(text).matches()) {
      String word = text.replaceFirst("^[+-]", "").toLowerCase(Locale.ROOT);
      return word.equals("nan") ? Double.NaN
          : text.startsWith("-") ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
    }
    if (!DECIMAL_FLOAT.matcher(text).matches()) {
      throw error("ParseFloat", text, "invalid syntax");
    }
    double value = new BigDecimal(text.endsWith(".") ? text + "0" : text).doubleValue();
    if (Double.isInfinite(value)) {
      throw error("ParseFloat", text, "value out of range");
    }
    return value;
  }

  /**
   * Go's ParseUint of {@code digits} (the unsigned part of {@code whole}) in base 0, or null when
   * it overflows {@code bits} bits before any bad character, as Go reports what it meets first.
   */
  private static BigInteger unsignedValue(String function, String whole, String digits, int bits) {
    if (digits.isEmpty()) {
      throw error(function, whole, "invalid syntax");
    }
    String rest = digits;
    int base = 10;
    if (rest.startsWith("0") && rest.length() > 1) {
      char prefix = Character.toLowerCase(rest.charAt(1));
      boolean named = rest.length() >= 3 && (prefix == 'b' || prefix == 'o' || prefix == 'x');
      base = !named ? 8 : prefix == 'b' ? 2 : prefix == 'o' ? 8 : 16;
      rest = rest.substring(named ? 2 : 1);
    }
    BigInteger max = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    BigInteger value = BigInteger.ZERO;
    BigInteger radix = BigInteger.valueOf(base);
    boolean underscores = false;
    for (char c : rest.toCharArray()) {
      if (c == '_') {
        underscores = true;
        continue;
      }
      int digit = c > 'z' ? -1 : Character.digit(c, base);
      if (digit < 0) {
        throw error(function, whole, "invalid syntax");
      }
      value = value.multiply(radix).add(BigInteger.valueOf(digit));
      if (value.compareTo(max) > 0) {
        return null;
      }
    }
    if (underscores && !underscoresBetweenDigits(digits)) {
      throw error(function, whole, "invalid syntax");
    }
    return value;
  }

  /** Go's rule for {@code _} in a number read with base 0: only ever between two digits (a base prefix counts as one). */
  private static boolean underscoresBetweenDigits(String text) {
    boolean hex = text.length() >= 2 && text.charAt(0) == '0' && Character.toLowerCase(text.charAt(1)) == 'x';
    boolean prefixed = hex || text.length() >= 2 && text.charAt(0) == '0'
        && "bo".indexOf(Character.toLowerCase(text.charAt(1))) >= 0;
    char last = prefixed ? '0' : '^';
    for (int i = prefixed ? 2 : 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (Character.isDigit(c) || hex && Character.digit(c, 16) >= 0) {
        last = '0';
      } else if (c == '_') {
        if (last != '0') {
          return false;
        }
        last = '_';
      } else {
        if (last == '_') {
          return false;
        }
        last = '!';
      }
    }
    return last != '_';
  }

  private static GoValueError error(String function, String text, String why) {
    return new GoValueError("strconv." + function + ": parsing \"" + text + "\": " + why);
  }
}
