package dev.berth.ctl;

/**
 * A flag Docker's CLI declares as a uint16 (pflag's, read with Go's {@code strconv.ParseUint(s,
 * 0, 16)}): decimal, {@code 0x}, {@code 0o}, {@code 0b} or a leading {@code 0} for octal, with
 * underscores between digits; a value Go refuses is refused in pflag's words.
 */
public final class GoUint16 {
  private static final int MAX = 0xFFFF;

  private GoUint16() {}

  /** The value of {@code flag}, given as {@code text}. */
  public static int parse(String flag, String text) {
    if (text.isEmpty()) {
      throw refused(flag, text, "invalid syntax");
    }
    String digits = text;
    int base = 10;
    if (digits.startsWith("0") && digits.length() > 1) {
      char prefix = Character.toLowerCase(digits.charAt(1));
      boolean named = digits.length() >= 3 && (prefix == 'b' || prefix == 'o' || prefix == 'x');
      base = !named ? 8 : prefix == 'b' ? 2 : prefix == 'o' ? 8 : 16;
      digits = digits.substring(named ? 2 : 1);
    }
    int value = 0;
    boolean underscores = false;
    for (char c : digits.toCharArray()) {
      if (c == '_') {
        underscores = true;
        continue;
      }
      int digit = Character.digit(c, base);
      if (digit < 0 || c > 'z') {
        throw refused(flag, text, "invalid syntax");
      }
      // Go reports the overflow at the digit that makes it, before any later bad character
      value = value * base + digit;
      if (value > MAX) {
        throw refused(flag, text, "value out of range");
      }
    }
    if (underscores && !underscoresBetweenDigits(text)) {
      throw refused(flag, text, "invalid syntax");
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

  private static FlagValueRefused refused(String flag, String text, String why) {
    return new FlagValueRefused(flag, text, "strconv.ParseUint: parsing \"" + text + "\": " + why);
  }
}
