package dev.berth.client;

/**
 * A value Docker's daemon refuses (its 400 Bad Request, where its CLI has let the value through),
 * in that daemon's words. Docker's CLI prints these after {@code Error response from daemon: },
 * and scripts match the whole line.
 */
public final class InvalidParameterException extends ClientException {
  public InvalidParameterException(String message) {
    super(message);
  }
}
