package dev.berth.tasks.logs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * Gzips logs' older files ({@link RotatedLogs#compressOlder}) on a thread of their own. On the
 * thread that rotates every log, gzipping one big file (seconds for hundreds of megabytes) held up
 * every other container's rotation meanwhile; Docker's logger compresses each file on its own
 * goroutine too. A log whose compression is under way is not rotated until it is done
 * ({@link RotatingLog}).
 */
final class Compressions implements Closeable {
  private static final Logger LOG = Logger.getLogger(Compressions.class.getName());

  private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "berth-log-compress");
    t.setDaemon(true);
    return t;
  });
  /** The latest compression of each log, until it is done. */
  private final Map<Path, CompletableFuture<Void>> running = new ConcurrentHashMap<>();

  /** Compresses {@code log}'s older files; done when they are, or when that failed (logged). */
  CompletableFuture<Void> compressOlder(Path log) {
    CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
      try {
        RotatedLogs.compressOlder(log);
      } catch (IOException e) {
        LOG.warning("cannot compress the older files of the log " + log + ", they stay plain until its next rotation: "
            + e.getMessage());
      }
    }, thread);
    running.put(log, done);
    done.whenComplete((result, error) -> running.remove(log, done));
    return done;
  }

  /**
   * Waits up to {@code max} for a compression of {@code log}'s files under way, so that its files
   * can be removed without a gzipped copy landing after them.
   */
  void await(Path log, Duration max) throws InterruptedException {
    CompletableFuture<Void> done = running.get(log);
    if (done == null) {
      return;
    }
    try {
      done.get(max.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      LOG.warning("the compression of the log " + log + " has not ended, its files are removed meanwhile");
    }
  }

  @Override
  public void close() {
    thread.shutdownNow();
  }
}
