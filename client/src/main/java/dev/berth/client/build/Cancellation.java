package dev.berth.client.build;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A build stopped from outside (berthctl's SIGINT or SIGTERM), as Docker's CLI cancels one on
 * Ctrl-C: the RUN under way is killed and no further step or file starts, so the build fails and
 * cleans up as a failed one does; the canceller waits, for a bounded time, for that to be done.
 */
final class Cancellation {
  private final CountDownLatch finished = new CountDownLatch(1);
  private boolean cancelled;
  private Runnable stopRunning;

  /** {@code stop} ends what runs now (a RUN's container) if the build is cancelled meanwhile. */
  synchronized void running(Runnable stop) {
    stopRunning = stop;
    if (cancelled) {
      stop.run();
    }
  }

  synchronized void notRunning() {
    stopRunning = null;
  }

  /** @throws BuildStepException if the build was cancelled */
  synchronized void check() {
    if (cancelled) {
      throw cancelled();
    }
  }

  static BuildStepException cancelled() {
    return new BuildStepException("the build was cancelled", 130);
  }

  synchronized boolean isCancelled() {
    return cancelled;
  }

  /** The build is over, cleaned up. */
  void finished() {
    finished.countDown();
  }

  /** Cancels the build; whether it was over, cleaned up, within {@code wait}. */
  boolean cancel(Duration wait) throws InterruptedException {
    Runnable stop;
    synchronized (this) {
      cancelled = true;
      stop = stopRunning;
    }
    if (stop != null) {
      stop.run();
    }
    return finished.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }
}
