package dev.berth.gc;

import berth.gc.v1.CollectResponse;
import dev.berth.api.grpc.UnreachableLog;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * When collections run: one at a time, on one thread. At start (finishing whatever a killed
 * daemon left half-swept), every interval, once shortly after deletions (several close
 * together make one collection), and at once when a caller waits for it.
 */
public final class CollectionScheduler implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(CollectionScheduler.class.getName());

  private final Supplier<CollectResponse> collection;
  private final GcSettings settings;
  private final UnreachableLog unreachable;
  private final ScheduledThreadPoolExecutor executor;
  private ScheduledFuture<?> soon;
  private volatile boolean collecting;

  /** @param unreachable told when a collection could not reach a service, and when one did again */
  public CollectionScheduler(Supplier<CollectResponse> collection, GcSettings settings, UnreachableLog unreachable) {
    this.collection = collection;
    this.settings = settings;
    this.unreachable = unreachable;
    this.executor = new ScheduledThreadPoolExecutor(1, r -> {
      Thread t = new Thread(r, "gc");
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
  }

  /** Collects now in the background, then every interval. */
  public void start() {
    long every = settings.interval().toMillis();
    executor.scheduleWithFixedDelay(this::runQuietly, 0, every, TimeUnit.MILLISECONDS);
  }

  /** A collection a debounce from now, unless one is waiting already. */
  public synchronized void soon() {
    if (soon != null && !soon.isDone()) {
      return;
    }
    try {
      soon = executor.schedule(this::runQuietly, settings.debounce().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed
    }
  }

  /**
   * Runs a collection that starts after this call, waiting for the one under way first, and
   * answers what it removed.
   */
  public CollectResponse now() throws InterruptedException, ExecutionException {
    Future<CollectResponse> run = executor.submit(this::run);
    return run.get();
  }

  /** Whether a collection is running, whose own removals need no further collection. */
  boolean collecting() {
    return collecting;
  }

  private CollectResponse run() {
    collecting = true;
    try {
      CollectResponse done = collection.get();
      unreachable.reached();
      return done;
    } finally {
      collecting = false;
    }
  }

  private void runQuietly() {
    try {
      run();
    } catch (RuntimeException e) {
      // the next trigger or interval tries again
      if (!unreachable.failed("collecting garbage", e)) {
        LOG.log(Level.WARNING, "gc: collection failed", e);
      }
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warning("gc: a collection did not stop within 10 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
