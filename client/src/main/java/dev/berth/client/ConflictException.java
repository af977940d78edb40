package dev.berth.client;

/**
 * A refusal Docker's daemon gives because of the state an object is in (its 409 Conflict: a
 * container that is not running, an image a container uses), in that daemon's words. Docker's CLI
 * prints these after {@code Error response from daemon: }, and scripts match the whole line.
 */
public final class ConflictException extends ClientException {
  public ConflictException(String message) {
    super(message);
  }
}
