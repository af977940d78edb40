package dev.berth.snapshots.diff;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Reads a stream on a thread of its own, a few buffers ahead of the reader, so that producing the
 * bytes (reading the blob, inflating it) and consuming them (hashing, unpacking into files) run
 * on two cores at once: a layer applied after the others have downloaded had only one. The
 * buffers go round between the two threads, so nothing is allocated per buffer. A failure of the
 * source is thrown to the reader as it was thrown, once the bytes before it are read.
 */
final class ReadAheadStream extends InputStream {
  static final int BUFFER_BYTES = 256 << 10;
  static final int BUFFERS = 4;
  /** How long {@link #close} waits for the reading thread to see it is stopped. */
  private static final long STOP_MILLIS = 10_000;

  /** A buffer holding {@code length} bytes; a length of -1 is the end, a failure ends it too. */
  private record Filled(byte[] buffer, int length, Throwable failure) {}

  private final InputStream source;
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<Filled> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
  private final Thread reader;
  private volatile boolean stopped;
  private Filled current;
  private int position;
  private boolean ended;

  /**
   * Starts reading {@code source} on a thread named {@code name}. Until this stream has returned
   * its end (or been closed), the source belongs to that thread; {@link #close} closes it.
   */
  ReadAheadStream(InputStream source, String name) {
    this.source = source;
    for (int i = 0; i < BUFFERS; i++) {
      free.add(new byte[BUFFER_BYTES]);
    }
    reader = new Thread(this::readAhead, name);
    reader.setDaemon(true);
    reader.start();
  }

  private void readAhead() {
    try {
      while (!stopped) {
        byte[] buffer = free.poll(100, TimeUnit.MILLISECONDS);
        if (buffer == null) {
          continue;
        }
        int n = source.readNBytes(buffer, 0, buffer.length);
        filled.put(new Filled(buffer, n == 0 ? -1 : n, null));
        if (n < buffer.length) {
          return;
        }
      }
    } catch (InterruptedException e) {
      // stopped by close
    } catch (IOException | RuntimeException | Error e) {
      filled.offer(new Filled(null, -1, e));
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    while (current == null || position == current.length()) {
      if (ended) {
        return -1;
      }
      if (current != null) {
        free.add(current.buffer());
        current = null;
      }
      Filled next = take();
      if (next.failure() != null) {
        ended = true;
        throw rethrow(next.failure());
      }
      if (next.length() < 0) {
        ended = true;
        free.add(next.buffer());
        return -1;
      }
      current = next;
      position = 0;
      ended = next.length() < next.buffer().length;
    }
    int n = Math.min(len, current.length() - position);
    System.arraycopy(current.buffer(), position, b, off, n);
    position += n;
    return n;
  }

  private Filled take() throws InterruptedIOException {
    try {
      return filled.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading a layer");
    }
  }

  private static IOException rethrow(Throwable t) {
    if (t instanceof IOException io) {
      return io;
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    throw (Error) t;
  }

  /**
   * Stops the reading thread (an interrupt ends a read it waits in: a gRPC read is cancelled) and
   * then closes the source, so the two threads never use the source at once.
   */
  @Override
  public void close() throws IOException {
    stopped = true;
    reader.interrupt();
    try {
      reader.join(STOP_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    source.close();
  }
}
