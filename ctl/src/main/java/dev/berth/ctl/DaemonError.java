package dev.berth.ctl;

/**
 * berthd's refusal where Docker's CLI passes its daemon's on: printed after Docker's
 * {@code Error response from daemon: }, so scripts that match
 * Docker's line match this one.
 */
public final class DaemonError extends CommandFailure {
  public DaemonError(String message) {
    super(message);
  }

  public DaemonError(String message, Throwable cause) {
    super(message, cause);
  }
}
