package dev.berth.transfer.registry;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A response body as the buffers the HTTP client read it into, taken one at a time by a reader
 * thread. The buffers are handed on as they are: the client never touches a buffer again once it
 * has delivered it (its contract for body subscribers). They are read-only views, so the one copy
 * of a blob's bytes on their way to the content store is protobuf's, when a buffer becomes the
 * data of a write request. The client reads one list of buffers ahead of the reader, no more.
 */
public final class BodyBuffers implements HttpResponse.BodySubscriber<BodyBuffers>, AutoCloseable {
  /** Queued after the last list of a body that ended normally. */
  private static final Object END = new Object();

  /** Lists of buffers, then {@link #END} or the failure that ended the body. */
  private final BlockingQueue<Object> items = new LinkedBlockingQueue<>();
  private final Deque<ByteBuffer> taken = new ArrayDeque<>();
  private volatile Flow.Subscription subscription;
  private boolean ended;

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    items.add(buffers);
  }

  @Override
  public void onError(Throwable failure) {
    items.add(failure);
  }

  @Override
  public void onComplete() {
    items.add(END);
  }

  @Override
  public CompletionStage<BodyBuffers> getBody() {
    return CompletableFuture.completedFuture(this);
  }

  /**
   * The next buffer of the body with bytes in it, null at its end; the caller owns it. Throws the
   * failure that cut the body short.
   */
  public ByteBuffer next() throws IOException {
    while (true) {
      ByteBuffer b = taken.poll();
      if (b != null && b.hasRemaining()) {
        return b;
      }
      if (b == null) {
        if (ended) {
          return null;
        }
        takeList();
      }
    }
  }

  @SuppressWarnings("unchecked")
  private void takeList() throws IOException {
    Object item;
    try {
      item = items.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      close();
      throw new InterruptedIOException("interrupted while reading a response");
    }
    if (item == END) {
      ended = true;
    } else if (item instanceof Throwable failure) {
      ended = true;
      throw failure instanceof IOException io ? io : new IOException(failure.toString(), failure);
    } else {
      taken.addAll((List<ByteBuffer>) item);
      subscription.request(1);
    }
  }

  /** Up to {@code max} bytes of what is left of the body (an error answer's detail), copied. */
  byte[] readUpTo(int max) {
    try {
      byte[] out = new byte[max];
      int n = 0;
      ByteBuffer b;
      while (n < max && (b = next()) != null) {
        int length = Math.min(b.remaining(), max - n);
        b.get(out, n, length);
        n += length;
        if (b.hasRemaining()) {
          taken.addFirst(b);
        }
      }
      return Arrays.copyOf(out, n);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Stops the body where the reader is: the client closes the connection of a body not read to its end. */
  @Override
  public void close() {
    if (!ended) {
      ended = true;
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }
  }
}
