package dev.berth.client.containers;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import dev.berth.api.InvalidValueException;

/**
 * The shell wildcards of Dockerfile's {@code ${V#pat}}, {@code ${V%pat}} and {@code ${V/pat/s}}, as
 * Docker's lexer (buildkit's shell.Lex) matches them: {@code *} any run of characters, {@code ?}
 * one, a backslash makes {@code *}, {@code ?} or itself literal and is dropped before {@code }} or
 * {@code /}; no bracket expressions. Matched by RE2 as Go's regexp matches them there: in time
 * linear in the value, where a backtracking matcher took minutes over {@code *a*a*a*a*a*a*a*a*b}.
 */
final class ShellPattern {
  private ShellPattern() {}

  /** {@code value} without the shortest (or, greedy, longest) prefix {@code pattern} matches. */
  static String trimPrefix(String pattern, String value, boolean greedy) {
    Matcher m = compile(pattern, greedy, true).matcher(value);
    return m.find() ? value.substring(m.end()) : value;
  }

  /** {@code value} without the shortest (or, greedy, longest) suffix {@code pattern} matches. */
  static String trimSuffix(String pattern, String value, boolean greedy) {
    // a regex finds the leftmost match only, so both are reversed to make the suffix a prefix
    return reverse(trimPrefix(reversePattern(pattern), reverse(value), greedy));
  }

  /**
   * {@code value} with the first (or every) longest match of {@code pattern} replaced. As Docker's
   * lexer, which replaces the first match by joining strings but every match with Go's
   * {@code ReplaceAllString}, a {@code $} in the replacement is literal for the first and read as
   * Go's template for every match (see {@link #expand}).
   */
  static String replace(String pattern, String value, String replacement, boolean all) {
    Matcher m = compile(pattern, true, false).matcher(value);
    if (!all) {
      return m.replaceFirst(Matcher.quoteReplacement(replacement));
    }
    StringBuffer out = new StringBuffer();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(expand(replacement, m.group())));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * {@code template} as Go's {@code Regexp.Expand} reads it for a pattern without groups, as
   * {@link #compile} makes them: {@code $0} or {@code ${0}} is the match, {@code $$} a dollar, any
   * other name ({@code $1}, {@code $HOME}, {@code ${x}}) nothing, and a {@code $} without a name
   * (or with an unclosed brace) itself.
   */
  private static String expand(String template, String match) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < template.length()) {
      char ch = template.charAt(i++);
      if (ch != '$') {
        out.append(ch);
        continue;
      }
      if (i < template.length() && template.charAt(i) == '$') {
        out.append('$');
        i++;
        continue;
      }
      boolean brace = i < template.length() && template.charAt(i) == '{';
      int start = brace ? i + 1 : i;
      int end = start;
      while (end < template.length()) {
        int cp = template.codePointAt(end);
        if (!Character.isLetterOrDigit(cp) && cp != '_') {
          break;
        }
        end += Character.charCount(cp);
      }
      if (end == start || brace && (end >= template.length() || template.charAt(end) != '}')) {
        out.append('$');
        continue;
      }
      if (template.substring(start, end).equals("0")) {
        out.append(match);
      }
      i = brace ? end + 1 : end;
    }
    return out.toString();
  }

  private static Pattern compile(String pattern, boolean greedy, boolean anchored) {
    StringBuilder regex = new StringBuilder(anchored ? "^" : "");
    for (int i = 0; i < pattern.length(); ) {
      int ch = pattern.codePointAt(i);
      i += Character.charCount(ch);
      switch (ch) {
        case '*' -> regex.append(greedy ? ".*" : ".*?");
        case '?' -> regex.append('.');
        case '\\' -> {
          int next = i < pattern.length() ? pattern.codePointAt(i) : -1;
          if (next == '}' || next == '/') {
            continue;
          }
          if (next != '*' && next != '?' && next != '\\') {
            throw new InvalidValueException("invalid pattern (" + pattern + ") in substitution: invalid escape '\\"
                + (next < 0 ? "" : Character.toString(next)) + "'");
          }
          i += 1;
          regex.append('\\').appendCodePoint(next);
        }
        default -> {
          if ("[]{}.+()|^$".indexOf(ch) >= 0) {
            regex.append('\\');
          }
          regex.appendCodePoint(ch);
        }
      }
    }
    // '.' matches all but \n, as in Go's regexp
    return Pattern.compile(regex.toString());
  }

  /** The pattern reversed with each escape kept before the character it escapes: a\*c → c\*a. */
  private static String reversePattern(String pattern) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < pattern.length(); ) {
      int ch = pattern.codePointAt(i);
      int length = Character.charCount(ch);
      if (ch == '\\' && i + 1 < pattern.length()) {
        length += Character.charCount(pattern.codePointAt(i + 1));
      }
      out.insert(0, pattern, i, i + length);
      i += length;
    }
    return out.toString();
  }

  private static String reverse(String text) {
    return new StringBuilder(text).reverse().toString();
  }
}
