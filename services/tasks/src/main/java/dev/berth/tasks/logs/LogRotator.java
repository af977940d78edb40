package dev.berth.tasks.logs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.logging.Logger;

/**
 * Rotates logs as Docker's json-file driver does with {@code max-size} and {@code max-file}: once
 * a log has reached its size, its files move one place older ({@link RotatedLogs}) and its
 * monitor is told to open a new log. The monitor writes on into {@code <log>.1} until it has, so
 * no line is lost. The monitor writes without asking first, unlike Docker's logger, so a log
 * passes its size by what is written before the rotation.
 */
public final class LogRotator implements Closeable {
  private static final Logger LOG = Logger.getLogger(LogRotator.class.getName());

  /** Made on first use: most containers keep one log file and need no watching. Guarded by this. */
  private LogWatcher watcher;
  private boolean closed;

  /**
   * Watches {@code log} (at once, and at each write) until {@code until} is done; {@code reopen}
   * has its monitor open a new file at its path.
   */
  public synchronized void rotate(Path log, long maxBytes, int maxFiles, Runnable reopen, CompletableFuture<?> until)
      throws IOException {
    if (closed) {
      return;
    }
    if (watcher == null) {
      watcher = new LogWatcher();
    }
    LogWatcher w = watcher;
    Runnable check = () -> rotateIfFull(log, maxBytes, maxFiles, reopen, until);
    LogWatcher.Watch watch = w.watch(log, check);
    w.whenDone(until, () -> w.cancel(watch));
    // it may have grown while berthd was down
    w.whenDone(CompletableFuture.completedFuture(null), check);
  }

  /** Runs on the watcher's one thread, so one log is never rotated twice at once. */
  private static void rotateIfFull(Path log, long maxBytes, int maxFiles, Runnable reopen, CompletableFuture<?> until) {
    if (until.isDone()) {
      // no monitor to open a new file
      return;
    }
    try {
      if (Files.size(log) < maxBytes) {
        return;
      }
      RotatedLogs.shift(log, maxFiles);
    } catch (NoSuchFileException e) {
      // rotated already, its monitor not yet on its new file
      return;
    } catch (IOException e) {
      LOG.warning("cannot rotate the log " + log + ": " + e.getMessage());
      return;
    }
    try {
      reopen.run();
    } catch (RuntimeException e) {
      LOG.warning("rotated the log " + log + " but its monitor did not open a new one, it writes on into "
          + RotatedLogs.rotated(log, 1) + ": " + e.getMessage());
    }
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    if (watcher != null) {
      watcher.close();
    }
  }
}
