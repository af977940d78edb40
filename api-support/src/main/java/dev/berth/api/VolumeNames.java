package dev.berth.api;

import dev.berth.api.grpc.Errors;
import java.util.regex.Pattern;

/**
 * Docker's rule for the names of local volumes: {@code [a-zA-Z0-9][a-zA-Z0-9_.-]+}, so at least two
 * characters. Such a name is never '.' or '..' and holds no '/': safe as the directory the volume lives in.
 */
public final class VolumeNames {
  public static final String RULE = "[a-zA-Z0-9][a-zA-Z0-9_.-]+";
  private static final Pattern VALID = Pattern.compile(RULE);
  /** A file name's limit on Linux: the volume's directory is named after it. */
  private static final int MAX_LENGTH = 255;

  private VolumeNames() {}

  public static boolean isValid(String name) {
    return name != null && name.length() <= MAX_LENGTH && VALID.matcher(name).matches();
  }

  /** Returns {@code name}, or throws INVALID_ARGUMENT in Docker's words for the {@code action} (create, get, remove). */
  public static String validate(String action, String name) {
    if (name.length() > MAX_LENGTH) {
      throw Errors.invalidArgument("%s %.20s...: a volume name is at most %d characters", action, name, MAX_LENGTH);
    }
    if (!VALID.matcher(name).matches()) {
      throw Errors.invalidArgument("%s %s: %s includes invalid characters for a local volume name, only \"%s\" are "
          + "allowed. If you intended to pass a host directory, use absolute path", action, name,
          Identifiers.printable(name), "[a-zA-Z0-9][a-zA-Z0-9_.-]");
    }
    return name;
  }
}
