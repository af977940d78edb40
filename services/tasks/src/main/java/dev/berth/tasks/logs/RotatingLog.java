package dev.berth.tasks.logs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * One log {@link LogRotator} rotates until its task ends. Its checks run one at a time (on the
 * rotator's one thread, or a test's), so the log is never rotated twice at once.
 */
final class RotatingLog {
  private static final Logger LOG = Logger.getLogger(RotatingLog.class.getName());

  private final Path log;
  private final long maxBytes;
  private final int maxFiles;
  private final Runnable reopen;
  private final CompletableFuture<?> until;
  /**
   * A new log asked of the monitor that it has not opened yet. Asking again before it has would
   * have it open a second one over the first, losing what it wrote there. Forgotten by a
   * restart of berthd, so a new berthd asks once itself. An order the monitor took it carries
   * out unless it dies, and its task ends with it: nothing to ask again then.
   */
  private boolean reopenAsked;

  RotatingLog(Path log, long maxBytes, int maxFiles, Runnable reopen, CompletableFuture<?> until) {
    this.log = log;
    this.maxBytes = maxBytes;
    this.maxFiles = maxFiles;
    this.reopen = reopen;
    this.until = until;
  }

  /**
   * Rotates the log if it has reached its size. With no log at all, the monitor still writes
   * into {@code <log>.1}, without limit, until it is asked to open a new one: a berthd died
   * between its rename and asking, or the asking failed, so it is asked again.
   */
  void check() {
    if (until.isDone()) {
      // no monitor to open a new file
      return;
    }
    if (!Files.exists(log)) {
      if (!reopenAsked) {
        askReopen();
      }
      return;
    }
    reopenAsked = false;
    try {
      if (Files.size(log) < maxBytes) {
        return;
      }
      RotatedLogs.shift(log, maxFiles);
    } catch (NoSuchFileException e) {
      // gone since it was seen: the next check asks for a new one
      return;
    } catch (IOException e) {
      LOG.warning("cannot rotate the log " + log + ": " + e.getMessage());
      return;
    }
    askReopen();
  }

  private void askReopen() {
    try {
      reopen.run();
      reopenAsked = true;
    } catch (RuntimeException e) {
      LOG.warning("the monitor of the log " + log + " did not open a new one, it writes on into "
          + RotatedLogs.rotated(log, 1) + " and is asked again at its next write: " + e.getMessage());
    }
  }
}
