package dev.berth.transfer.pull;

import dev.berth.api.grpc.Errors;
import dev.berth.client.images.Descriptor;
import dev.berth.transfer.BlobEvent;
import dev.berth.transfer.TransferListener;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The blobs of one pull downloading at once, a bounded number at a time: each can be waited for
 * on its own (the unpacker waits for each layer in turn), and the first failure stops the rest.
 */
final class Downloads implements AutoCloseable {
  private final ExecutorService pool;
  private final Map<String, Future<?>> byDigest = new LinkedHashMap<>();
  private final AtomicBoolean failed = new AtomicBoolean();

  /** Starts fetching {@code blobs} (in their order), {@code concurrency} at a time. */
  Downloads(Collection<Descriptor> blobs, BlobFetcher fetcher, int concurrency,
      String name, TransferListener listener) {
    pool = Executors.newFixedThreadPool(Math.max(1, concurrency), r -> {
      Thread t = new Thread(r, "pull-" + name);
      t.setDaemon(true);
      return t;
    });
    // a blob here already is told as such at once, not first as waiting (Docker's "Already exists")
    List<Descriptor> missing = new ArrayList<>();
    for (Descriptor d : blobs) {
      if (fetcher.present(d)) {
        byDigest.put(d.digest(), CompletableFuture.completedFuture(null));
      } else {
        missing.add(d);
        listener.blob(new BlobEvent(d.digest(), d.mediaType(), 0, d.size(), BlobEvent.State.WAITING));
      }
    }
    for (Descriptor d : missing) {
      byDigest.put(d.digest(), pool.submit(() -> {
        if (failed.get() || listener.cancelled()) {
          throw new CancellationException("pull stopped");
        }
        try {
          fetcher.fetch(d);
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
          failed.set(true);
          throw e;
        }
        return null;
      }));
    }
  }

  /** Returns once {@code blob} is stored; throws the pull's first failure if it is not. */
  void await(Descriptor blob) {
    Future<?> f = byDigest.get(blob.digest());
    if (f == null) {
      return;
    }
    try {
      f.get();
    } catch (ExecutionException e) {
      awaitAll();
      throw rethrow(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("pull interrupted");
    }
  }

  /** Waits for every blob; throws the first real failure (not the cancellations it caused). */
  void awaitAll() {
    Throwable first = null;
    for (Future<?> f : byDigest.values()) {
      try {
        f.get();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (first == null || first instanceof CancellationException && !(cause instanceof CancellationException)) {
          first = cause;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("pull interrupted");
      }
    }
    if (first != null) {
      throw rethrow(first);
    }
  }

  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      return r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t instanceof IOException io) {
      return Errors.unavailable("pull failed: %s", io.getMessage());
    }
    return new CancellationException("pull interrupted");
  }

  /** Stops what still runs (after a failure elsewhere). */
  @Override
  public void close() {
    failed.set(true);
    pool.shutdownNow();
  }
}
