package dev.berth.ctl;

/**
 * What Docker's CLI itself refuses before asking its daemon anything, and prints as its error's
 * text alone, with no heading ("the input device is not a TTY", "Conflicting options: -a and
 * -d"); {@code run} exits 1 for it, not its 125, as Docker's does.
 */
public class ClientRefusal extends CommandFailure {
  public ClientRefusal(String message) {
    super(message);
  }
}
