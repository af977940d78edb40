package dev.berth.ctl;

/** A command cannot do what was asked; the message is printed after "Error: ". */
class CommandFailure extends RuntimeException {
  CommandFailure(String message) {
    super(message);
  }

  CommandFailure(String message, Throwable cause) {
    super(message, cause);
  }
}
