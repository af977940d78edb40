package dev.berth.ctl;

/**
 * A refusal Docker's daemon sends inside an output stream it has begun (push's "tag does not
 * exist: …" after "The push refers to repository […]"), which Docker's CLI prints bare, with no
 * heading; printed the same so that scripts matching Docker's line match this one.
 */
public final class StreamedDaemonError extends CommandFailure {
  public StreamedDaemonError(String message) {
    super(message);
  }
}
