package dev.berth.client.build;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * COPY's and ADD's {@code --chmod}, as BuildKit's Dockerfile frontend takes it: an octal mode
 * ({@code 755}) that every copied file and directory gets, or chmod(1)'s symbolic clauses
 * ({@code +x}, {@code u=rwX,go=rX}, {@code g=u}) applied to each one's own mode. A clause without
 * {@code u}, {@code g}, {@code o} or {@code a} is for all three (no umask is at work in a build).
 */
final class CopyMode {
  private static final Pattern OCTAL = Pattern.compile("[0-7]{1,4}");
  private static final Pattern CLAUSE = Pattern.compile("[ugoa]*([-+=]([rwxXst]*|[ugo]))+");
  private final String text;
  private final Integer octal;
  private final List<String> clauses;

  private CopyMode(String text, Integer octal, List<String> clauses) {
    this.text = text;
    this.octal = octal;
    this.clauses = clauses;
  }

  /** @throws BuildStepException for a mode that is neither octal nor symbolic */
  static CopyMode parse(String text) {
    if (OCTAL.matcher(text).matches()) {
      return new CopyMode(text, Integer.parseInt(text, 8), List.of());
    }
    List<String> clauses = new ArrayList<>();
    for (String clause : text.split(",", -1)) {
      if (!CLAUSE.matcher(clause).matches()) {
        throw new BuildStepException("invalid chmod parameter: " + text + ": an octal mode (755) or chmod's "
            + "symbolic clauses (u=rwX,go=rX) are taken", 1);
      }
      clauses.add(clause);
    }
    return new CopyMode(text, null, clauses);
  }

  /** The flag as written, for the step's history. */
  @Override
  public String toString() {
    return text;
  }

  /** The mode a copied file or directory whose own mode is {@code mode} gets. */
  int apply(int mode, boolean directory) {
    if (octal != null) {
      return octal;
    }
    int result = mode & 07777;
    for (String clause : clauses) {
      int who = 0;
      int at = 0;
      for (; at < clause.length() && "ugoa".indexOf(clause.charAt(at)) >= 0; at++) {
        who |= switch (clause.charAt(at)) {
          case 'u' -> 04700;
          case 'g' -> 02070;
          case 'o' -> 01007;
          default -> 07777;
        };
      }
      if (who == 0) {
        who = 07777;
      }
      while (at < clause.length()) {
        char op = clause.charAt(at++);
        int start = at;
        while (at < clause.length() && "-+=".indexOf(clause.charAt(at)) < 0) {
          at++;
        }
        int bits = bits(clause.substring(start, at), result, directory) & who;
        result = switch (op) {
          case '+' -> result | bits;
          case '-' -> result & ~bits;
          default -> (result & ~who) | bits;
        };
      }
    }
    return result;
  }

  /** The permission bits the letters name, for all of user, group and other, before {@code who} picks. */
  private static int bits(String perms, int mode, boolean directory) {
    if (perms.length() == 1 && "ugo".contains(perms)) {
      // the bits another class has now, copied to every class
      int shift = switch (perms.charAt(0)) {
        case 'u' -> 6;
        case 'g' -> 3;
        default -> 0;
      };
      return ((mode >> shift) & 7) * 0111;
    }
    int bits = 0;
    for (char c : perms.toCharArray()) {
      bits |= switch (c) {
        case 'r' -> 0444;
        case 'w' -> 0222;
        case 'x' -> 0111;
        // executable only for a directory or what some class may execute already
        case 'X' -> directory || (mode & 0111) != 0 ? 0111 : 0;
        case 's' -> 06000;
        case 't' -> 01000;
        default -> 0;
      };
    }
    return bits;
  }
}
