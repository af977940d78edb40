package dev.berth.api;

/**
 * A value given for a container (a flag's value, a user, a mount) that cannot be used. The message
 * names the value and says what is wrong in one line, fit to print as it is; Docker-style
 * clients exit 125 on it.
 */
public class InvalidValueException extends IllegalArgumentException {
  public InvalidValueException(String message) {
    super(message);
  }

  /** {@code invalid <what> "<value>": <reason>}. */
  public static InvalidValueException of(String what, String value, String reason) {
    return new InvalidValueException("invalid " + what + " \"" + value + "\": " + reason);
  }
}
