package dev.berth.client;

/**
 * A container, network or volume that berthd has no record of, in the words Docker's daemon uses
 * for it. Docker's CLI (23 and later) prints these after {@code Error response from daemon: }, the
 * same for every command, and scripts match the whole line.
 */
public final class NoSuchObjectException extends ClientException {
  private NoSuchObjectException(String message, Throwable cause) {
    super(message, cause);
  }

  /** {@code No such container: web}. */
  public static NoSuchObjectException container(String argument) {
    return new NoSuchObjectException("No such container: " + argument, null);
  }

  /** {@code network web not found}. */
  public static NoSuchObjectException network(String argument, Throwable cause) {
    return new NoSuchObjectException("network " + argument + " not found", cause);
  }

  /** {@code get data: no such volume}. */
  public static NoSuchObjectException volume(String argument, Throwable cause) {
    return new NoSuchObjectException("get " + argument + ": no such volume", cause);
  }
}
