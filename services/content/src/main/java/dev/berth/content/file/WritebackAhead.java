package dev.berth.content.file;

import dev.berth.api.grpc.Errors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.util.concurrent.Executor;

/**
 * Gets an ingest's data onto the disk while the rest is still arriving: after every
 * {@link #EVERY_BYTES} written, a pool thread syncs the file in the background. The writer never
 * waits for it, and the fsync at commit finds only the tail left to write instead of the whole
 * blob (seconds for a large layer).
 */
final class WritebackAhead {
  static final long EVERY_BYTES = 32L << 20;

  private final Executor pool;
  private final FileChannel data;
  private long sinceLastSync;
  private boolean syncing;
  private IOException failure;

  WritebackAhead(Executor pool, FileChannel data) {
    this.pool = pool;
    this.data = data;
  }

  /** Counts {@code bytes} just written and starts a background sync when enough have piled up. */
  synchronized void written(long bytes) {
    sinceLastSync += bytes;
    if (sinceLastSync >= EVERY_BYTES && !syncing) {
      sinceLastSync = 0;
      syncing = true;
      pool.execute(this::sync);
    }
  }

  /** Waits for a background sync in progress; throws the failure of one that went wrong. */
  synchronized void await() throws IOException {
    while (syncing) {
      try {
        wait();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Errors.internal(e, "interrupted while syncing an ingest");
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void sync() {
    IOException failed = null;
    try {
      data.force(false);
    } catch (IOException e) {
      failed = e;
    }
    synchronized (this) {
      if (failed != null) {
        failure = failed;
      }
      syncing = false;
      notifyAll();
    }
  }
}
