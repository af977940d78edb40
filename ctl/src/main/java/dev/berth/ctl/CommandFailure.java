package dev.berth.ctl;

/** A command cannot do what was asked; the message is printed after "Error: ". */
public class CommandFailure extends RuntimeException {
  public CommandFailure(String message) {
    super(message);
  }

  public CommandFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
