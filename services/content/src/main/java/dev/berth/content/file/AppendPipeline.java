package dev.berth.content.file;

import dev.berth.api.Digests;
import dev.berth.api.grpc.Errors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Appends an ingest's chunks to its data file and hashes them, in order, on a pool thread. The
 * writer can thus answer a chunk as soon as it has checked it, and the client's next chunk
 * arrives while this one is being written and hashed: clients send a chunk only after the answer
 * to the last. At most {@link #MAX_PENDING_BYTES} wait; a writer further ahead waits too.
 * Buffers handed over must not change afterwards. Everything but {@link #append} first waits
 * for the queue to empty, so only one thread touches the file at a time.
 */
final class AppendPipeline {
  static final long MAX_PENDING_BYTES = 8L << 20;
  private static final int REHASH_BUFFER_BYTES = 1 << 20;

  private final Executor pool;
  private final FileChannel data;
  private final WritebackAhead writeback;
  private final MessageDigest sha256 = Digests.newSha256();
  private final ArrayDeque<ByteBuffer> pending = new ArrayDeque<>();
  private long pendingBytes;
  /** A pool task owns the file and the digest while this is set. */
  private boolean draining;
  /** What the file holds, and what {@link #sha256} has seen. */
  private long written;
  private IOException failure;

  /** Takes over {@code data}, whose current content is rehashed. */
  AppendPipeline(Executor pool, FileChannel data) throws IOException {
    this.pool = pool;
    this.data = data;
    this.writeback = new WritebackAhead(pool, data);
    ByteBuffer buffer = ByteBuffer.allocate(REHASH_BUFFER_BYTES);
    int n;
    while ((n = data.read(buffer.clear(), written)) > 0) {
      sha256.update(buffer.array(), 0, n);
      written += n;
    }
    data.position(written);
  }

  /** Queues {@code chunk} (its remaining bytes) to be appended after what came before. */
  synchronized void append(ByteBuffer chunk) throws IOException {
    while (pendingBytes > MAX_PENDING_BYTES && failure == null) {
      await();
    }
    checkFailure();
    pending.add(chunk);
    pendingBytes += chunk.remaining();
    if (!draining) {
      draining = true;
      pool.execute(this::drain);
    }
  }

  /** The bytes in the file so far, without waiting for queued ones. */
  synchronized long written() {
    return written;
  }

  /** Waits until every queued chunk is in the file; returns the file's length. */
  synchronized long flush() throws IOException {
    awaitIdle();
    checkFailure();
    return written;
  }

  /** The digest of every chunk appended, once they are all written. */
  synchronized String digest() throws IOException {
    flush();
    try {
      return Digests.format((MessageDigest) sha256.clone());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 cannot be cloned", e);
    }
  }

  /** Empties the file to start over. */
  synchronized void truncate() throws IOException {
    flush();
    data.truncate(0);
    data.position(0);
    sha256.reset();
    written = 0;
  }

  /** Makes the data durable: all chunks written, the file synced. */
  synchronized void sync() throws IOException {
    flush();
    writeback.await();
    data.force(false);
  }

  /** Waits for queued work, ignoring its failure, and closes the file. */
  synchronized void close() throws IOException {
    awaitIdle();
    try {
      writeback.await();
    } catch (IOException e) {
      // only a commit needs the data on disk, and it syncs for itself
    }
    data.close();
  }

  private void drain() {
    while (true) {
      ByteBuffer next;
      synchronized (this) {
        next = pending.poll();
        if (next == null || failure != null) {
          pending.clear();
          pendingBytes = 0;
          draining = false;
          notifyAll();
          return;
        }
      }
      int length = next.remaining();
      ByteBuffer hashed = next.duplicate();
      IOException failed = null;
      try {
        while (next.hasRemaining()) {
          data.write(next);
        }
        sha256.update(hashed);
      } catch (IOException e) {
        failed = e;
      } catch (RuntimeException e) {
        // e.g. a channel closed under the pipeline; the waiting writer must still hear of it
        failed = new IOException(e.toString(), e);
      }
      synchronized (this) {
        pendingBytes -= length;
        if (failed != null) {
          // The file holds what reached it; the next writer of the ref resumes from there.
          failure = failed;
        } else {
          written += length;
          writeback.written(length);
        }
        notifyAll();
      }
    }
  }

  private void checkFailure() throws IOException {
    if (failure != null) {
      throw new IOException("an earlier write failed: " + failure.getMessage(), failure);
    }
  }

  private void awaitIdle() {
    while (draining) {
      await();
    }
  }

  private void await() {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.internal(e, "interrupted while writing an ingest");
    }
  }
}
