package dev.berth.content.file;

import dev.berth.api.Digests;
import dev.berth.api.grpc.Errors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.security.MessageDigest;
import java.util.concurrent.Executor;

/**
 * Appends an ingest's chunks to its data file as they come and hashes them behind the writer,
 * on a pool thread that reads them back from the page cache. The writer can thus answer a chunk
 * as soon as it is in the file, and the client's next chunk arrives while this one is being
 * hashed (clients send a chunk only after the answer to the last). No chunk is kept once
 * {@link #append} returns: a writer's buffers never pile up in memory (a pull writes several
 * blobs at once; chunks held for hashing filled the heap and cost full collections). The hashing
 * is at most {@link #MAX_UNHASHED_BYTES} behind; a writer further ahead waits.
 */
final class AppendPipeline {
  static final long MAX_UNHASHED_BYTES = 32L << 20;
  private static final int HASH_BUFFER_BYTES = 256 << 10;

  private final Executor pool;
  private final FileChannel data;
  private final WritebackAhead writeback;
  private final MessageDigest sha256 = Digests.newSha256();
  /** Touched only by whoever hashes: the constructor, then one pool task at a time. */
  private final ByteBuffer hashBuffer = ByteBuffer.allocate(HASH_BUFFER_BYTES);
  /** What the file holds. */
  private long written;
  /** What {@link #sha256} has seen. */
  private long hashed;
  /** A pool task owns the digest while this is set. */
  private boolean hashing;
  private IOException failure;

  /** Takes over {@code data}, whose current content is rehashed. */
  AppendPipeline(Executor pool, FileChannel data) throws IOException {
    this.pool = pool;
    this.data = data;
    this.writeback = new WritebackAhead(pool, data);
    written = data.size();
    hashUpTo(written);
  }

  /** Appends {@code chunk} (its remaining bytes) after what came before; the buffer is free again on return. */
  synchronized void append(ByteBuffer chunk) throws IOException {
    while (written - hashed > MAX_UNHASHED_BYTES && failure == null) {
      await();
    }
    checkFailure();
    int length = chunk.remaining();
    try {
      while (chunk.hasRemaining()) {
        written += data.write(chunk, written);
      }
    } catch (IOException e) {
      // The file holds what reached it; the next writer of the ref resumes from there.
      throw failure = e;
    } catch (RuntimeException e) {
      // e.g. a channel closed under the pipeline
      throw failure = new IOException(e.toString(), e);
    }
    writeback.written(length);
    if (!hashing) {
      hashing = true;
      pool.execute(this::hashBehind);
    }
  }

  /** The bytes in the file so far. */
  synchronized long written() {
    return written;
  }

  /** The file's length, once nothing has failed. */
  synchronized long flush() throws IOException {
    checkFailure();
    return written;
  }

  /** The digest of every chunk appended, once they are all hashed. */
  synchronized String digest() throws IOException {
    awaitHashed();
    checkFailure();
    try {
      return Digests.format((MessageDigest) sha256.clone());
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("the JDK's SHA-256 cannot be cloned", e);
    }
  }

  /** Empties the file to start over. */
  synchronized void truncate() throws IOException {
    awaitHashed();
    checkFailure();
    data.truncate(0);
    sha256.reset();
    written = 0;
    hashed = 0;
  }

  /** Makes the data durable: the file synced. */
  synchronized void sync() throws IOException {
    checkFailure();
    writeback.await();
    data.force(false);
  }

  /** Waits for the hashing, ignoring its failure, and closes the file. */
  synchronized void close() throws IOException {
    awaitHashed();
    try {
      writeback.await();
    } catch (IOException e) {
      // only a commit needs the data on disk, and it syncs for itself
    }
    data.close();
  }

  /** Hashes what the writer appended until it has caught up. */
  private void hashBehind() {
    while (true) {
      long to;
      synchronized (this) {
        if (hashed == written || failure != null) {
          hashing = false;
          notifyAll();
          return;
        }
        to = written;
      }
      IOException failed = null;
      try {
        hashUpTo(to);
      } catch (IOException e) {
        failed = e;
      } catch (RuntimeException e) {
        failed = new IOException(e.toString(), e);
      }
      synchronized (this) {
        if (failed != null) {
          failure = failed;
        }
        notifyAll();
      }
    }
  }

  /** Reads the file from {@link #hashed} to {@code to} into the digest. */
  private void hashUpTo(long to) throws IOException {
    long at;
    synchronized (this) {
      at = hashed;
    }
    while (at < to) {
      hashBuffer.clear().limit((int) Math.min(hashBuffer.capacity(), to - at));
      int n = data.read(hashBuffer, at);
      if (n < 0) {
        throw new IOException("ingest data ended at " + at + " bytes, before the " + to + " written");
      }
      sha256.update(hashBuffer.array(), 0, n);
      at += n;
      synchronized (this) {
        hashed = at;
        if (written - hashed <= MAX_UNHASHED_BYTES) {
          notifyAll();
        }
      }
    }
  }

  private void checkFailure() throws IOException {
    if (failure != null) {
      throw new IOException("an earlier write failed: " + failure.getMessage(), failure);
    }
  }

  private void awaitHashed() {
    while (hashing) {
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
