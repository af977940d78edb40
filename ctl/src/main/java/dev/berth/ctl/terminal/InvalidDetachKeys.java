package dev.berth.ctl.terminal;

import dev.berth.ctl.CommandFailure;

/**
 * A {@code --detach-keys} value Docker's daemon refuses (moby/term's ToBytes): printed after
 * "Error response from daemon: " with exit code 1, also by run, where Docker's daemon refuses it
 * at the attach that follows the create.
 */
public final class InvalidDetachKeys extends CommandFailure {
  InvalidDetachKeys(String message) {
    super(message);
  }
}
