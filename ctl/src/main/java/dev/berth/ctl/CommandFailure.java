package dev.berth.ctl;

/** A command cannot do what was asked; the message is printed bare, as Docker's CLI prints its own errors. */
public class CommandFailure extends RuntimeException {
  public CommandFailure(String message) {
    super(message);
  }

  public CommandFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
