package dev.berth.metadata.events;

import containerd.services.events.v1.Envelope;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One Subscribe call: envelopes wait in a bounded queue until the transport is ready for them.
 * A subscriber that lets the queue fill is ended with RESOURCE_EXHAUSTED, so a stalled client
 * costs at most {@code capacity} envelopes of memory and learns that it missed events (rather
 * than silently seeing a gap).
 */
final class SubscriberStream implements Consumer<Envelope> {
  private static final Logger LOG = Logger.getLogger(SubscriberStream.class.getName());

  private final ServerCallStreamObserver<Envelope> call;
  private final BlockingQueue<Envelope> queue;
  private final int capacity;
  // Counts drain requests: only the caller that raises it from 0 drains, so calls on the
  // observer never overlap, without holding a lock while calling into gRPC.
  private final AtomicInteger drainRequests = new AtomicInteger();
  private volatile boolean overflowed;
  private volatile boolean ended;
  private volatile AutoCloseable subscription = () -> {};

  SubscriberStream(ServerCallStreamObserver<Envelope> call, int capacity) {
    this.call = call;
    this.capacity = capacity;
    this.queue = new ArrayBlockingQueue<>(capacity);
    call.setOnReadyHandler(this::drain);
    call.setOnCancelHandler(this::end);
  }

  /** Remembers the bus registration to close when the call ends. */
  void attach(AutoCloseable subscription) {
    this.subscription = subscription;
    if (ended) {
      unsubscribe();
    }
  }

  @Override
  public void accept(Envelope envelope) {
    if (!queue.offer(envelope)) {
      overflowed = true;
    }
    drain();
  }

  private void drain() {
    if (drainRequests.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      if (!ended) {
        if (overflowed) {
          LOG.warning("event subscriber fell " + capacity + " events behind; ending its stream");
          end();
          call.onError(Status.RESOURCE_EXHAUSTED
              .withDescription("subscriber fell " + capacity + " events behind; events were lost")
              .asRuntimeException());
        } else {
          Envelope next;
          while (call.isReady() && (next = queue.poll()) != null) {
            call.onNext(next);
          }
        }
      }
      missed = drainRequests.addAndGet(-missed);
    } while (missed != 0);
  }

  private void end() {
    ended = true;
    queue.clear();
    unsubscribe();
  }

  private void unsubscribe() {
    try {
      subscription.close();
    } catch (Exception e) {
      LOG.warning("closing event subscription: " + e.getMessage());
    }
  }
}
