package dev.berth.tasks.logs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Rotates logs as Docker's json-file driver does with {@code max-size} and {@code max-file}: once
 * a log has reached its size, its files move one place older ({@link RotatedLogs}) and its
 * monitor is told to open a new log. The monitor writes on into {@code <log>.1} until it has, so
 * no line is lost. The monitor writes without asking first, unlike Docker's logger, so a log
 * passes its size by what is written before the rotation. With {@code compress} the older files
 * are gzipped as Docker's logger gzips them, {@code <log>.1} once the monitor writes into its new
 * log.
 */
public final class LogRotator implements Closeable {
  /** Made on first use: most containers keep one log file and need no watching. Guarded by this. */
  private LogWatcher watcher;
  private final Compressions compressions = new Compressions();
  private boolean closed;

  /**
   * Watches {@code log} (at once, and at each write to it or to {@code <log>.1}) until
   * {@code until} is done; {@code reopen} has its monitor open a new file at its path. With
   * {@code compress} the older files are gzipped ({@link CompressedLog}) once written no more.
   */
  public synchronized void rotate(Path log, long maxBytes, int maxFiles, boolean compress, Runnable reopen,
      CompletableFuture<?> until) throws IOException {
    if (closed) {
      return;
    }
    if (watcher == null) {
      watcher = new LogWatcher();
    }
    LogWatcher w = watcher;
    RotatingLog rotating = new RotatingLog(log, maxBytes, maxFiles, compress, reopen, until,
        compressions::compressOlder, w::whenDone);
    LogWatcher.Watch watch = w.watch(log, rotating::check);
    // with no new log open yet its monitor writes here: each write asks again for one
    LogWatcher.Watch older = w.watch(RotatedLogs.rotated(log, 1), rotating::check);
    w.whenDone(until, () -> {
      w.cancel(watch);
      w.cancel(older);
      // a rotation's older file waiting for the monitor's new log is written no more
      rotating.check();
    });
    // it may have grown, or lost its log mid-rotation, while berthd was down
    w.whenDone(CompletableFuture.completedFuture(null), rotating::check);
  }

  /**
   * Waits up to {@code max} for a compression of {@code log}'s older files under way: its files
   * are about to be removed, and a gzipped copy must not land after them.
   */
  public void awaitCompression(Path log, Duration max) throws InterruptedException {
    compressions.await(log, max);
  }

  @Override
  public synchronized void close() throws IOException {
    closed = true;
    compressions.close();
    if (watcher != null) {
      watcher.close();
    }
  }
}
