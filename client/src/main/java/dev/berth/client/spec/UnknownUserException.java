package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;

/**
 * A user or group name that the container's /etc/passwd or /etc/group does not list, in the words
 * of Docker's daemon. Unlike a malformed user, it may be there by the time the container starts.
 */
public final class UnknownUserException extends InvalidValueException {
  private UnknownUserException(String message) {
    super(message);
  }

  static UnknownUserException user(String name) {
    return new UnknownUserException("unable to find user " + name + ": no matching entries in passwd file");
  }

  /** A {@code --group-add} name, in the words Docker's daemon has for it (runc's library's, capitalised). */
  static UnknownUserException addedGroup(String name) {
    return new UnknownUserException("Unable to find group " + name + ": no matching entries in group file");
  }

  static UnknownUserException group(String name) {
    return new UnknownUserException("unable to find group " + name + ": no matching entries in group file");
  }
}
