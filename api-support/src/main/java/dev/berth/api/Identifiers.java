package dev.berth.api;

import dev.berth.api.grpc.Errors;
import java.util.regex.Pattern;

/**
 * containerd's rule for namespace, container, lease and snapshotter identifiers: alphanumerics
 * joined by single '.', '_' or '-', at most 76 characters. Such a name is safe as a path element.
 */
public final class Identifiers {
  private static final int MAX_LENGTH = 76;
  private static final Pattern VALID = Pattern.compile("^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$");
  private static final Pattern VISIBLE = Pattern.compile("\\p{Graph}{1,100}");

  private Identifiers() {}

  public static boolean isValid(String id) {
    return id != null && id.length() <= MAX_LENGTH && VALID.matcher(id).matches();
  }

  /** Returns {@code id} or throws INVALID_ARGUMENT naming what {@code what} is. */
  public static String validate(String what, String id) {
    if (id == null || id.isEmpty()) {
      throw Errors.invalidArgument("%s must not be empty", what);
    }
    if (id.length() > MAX_LENGTH) {
      throw Errors.invalidArgument("%s %.20s... is longer than %d characters", what, id, MAX_LENGTH);
    }
    if (!VALID.matcher(id).matches()) {
      throw Errors.invalidArgument(
          "%s %s is invalid: use letters and digits joined by single '.', '_' or '-'", what, printable(id));
    }
    return id;
  }

  /** Quotes a user string for a message without letting control characters through. */
  public static String printable(String s) {
    StringBuilder b = new StringBuilder("\"");
    s.codePoints().limit(100).forEach(c -> {
      if (c < 0x20 || c == 0x7f) {
        b.append(String.format("\\x%02x", c));
      } else {
        b.appendCodePoint(c);
      }
    });
    return b.append('"').toString();
  }

  /**
   * A user string for a message as Docker's daemon prints it, unquoted, when it is short visible
   * ASCII; {@link #printable quoted} otherwise.
   */
  public static String plain(String s) {
    return VISIBLE.matcher(s).matches() ? s : printable(s);
  }
}
