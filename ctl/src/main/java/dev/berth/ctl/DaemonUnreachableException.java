package dev.berth.ctl;

import java.nio.file.Path;

/** berthd cannot be reached at the address: no socket, nobody listening, or no permission. */
final class DaemonUnreachableException extends RuntimeException {
  /** {@code reason} null means nothing listens there: berthd is not running. */
  DaemonUnreachableException(Path address, String reason) {
    super(reason == null ? "berthd is not running at " + address
        : "cannot connect to berthd at " + address + ": " + reason);
  }
}
