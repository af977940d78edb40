package dev.berth.common.events;

import com.google.protobuf.Empty;
import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.ForwardRequest;
import dev.berth.api.grpc.UnreachableLog;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.stub.StreamObserver;
import com.google.protobuf.util.Timestamps;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Events a group could not publish because the events service did not answer (berthd's metadata
 * group down or restarting), kept in memory in the order they happened and forwarded, with the
 * time they happened, one at a time once it answers again. Subscribers then still hear of exits
 * and deletions from that time. Past {@code bound} events the oldest is dropped.
 */
final class EventBacklog {
  private static final Logger LOG = Logger.getLogger(EventBacklog.class.getName());
  private static final long RETRY_MILLIS = 500;

  private final Channel channel;
  private final int bound;
  private final UnreachableLog unreachable = new UnreachableLog(LOG, "event publisher");
  private final Deque<Envelope> waiting = new ArrayDeque<>();
  /** Whether the head of the queue is being forwarded, or a retry of it is scheduled. */
  private boolean sending;
  private boolean warnedFull;
  /** The event being forwarded now, which nothing may go before; null between tries. */
  private Envelope inFlight;
  /** How many kept events have been forwarded since the events service answered again. */
  private int forwarded;
  private boolean closed;

  EventBacklog(Channel channel, int bound) {
    this.channel = channel;
    this.bound = bound;
  }

  /** Whether events are waiting: a new one must queue behind them to keep their order. */
  synchronized boolean holding() {
    return !waiting.isEmpty();
  }

  /** Queues {@code envelope}, which {@code failure} (the events service unreachable) kept from being published. */
  void keep(Envelope envelope, Throwable failure) {
    unreachable.failed("publishing " + envelope.getTopic(), failure);
    keep(envelope);
  }

  /** Queues {@code envelope} behind those waiting. */
  void keep(Envelope envelope) {
    boolean start;
    synchronized (this) {
      if (waiting.size() >= bound) {
        waiting.removeFirst();
        if (!warnedFull) {
          warnedFull = true;
          LOG.warning("event publisher: more than " + bound + " events wait for the events service; dropping the"
              + " oldest ones");
        }
      }
      insertInTimeOrder(envelope);
      start = !sending;
      sending = true;
    }
    if (start) {
      later();
    }
  }

  /**
   * Queues behind every event that happened before it: sends that failed side by side report
   * their failures on their own callbacks, in any order. Nothing goes before a head on its way.
   */
  private void insertInTimeOrder(Envelope envelope) {
    Iterator<Envelope> fromLast = waiting.descendingIterator();
    int movable = waiting.size() - (inFlight != null && inFlight == waiting.peekFirst() ? 1 : 0);
    int behind = 0;
    while (fromLast.hasNext() && behind < movable && happenedAfter(fromLast.next(), envelope)) {
      behind++;
    }
    if (behind == 0) {
      waiting.addLast(envelope);
      return;
    }
    List<Envelope> after = new ArrayList<>(behind);
    for (int i = 0; i < behind; i++) {
      after.add(0, waiting.removeLast());
    }
    waiting.addLast(envelope);
    waiting.addAll(after);
  }

  private static boolean happenedAfter(Envelope a, Envelope b) {
    return Timestamps.compare(a.getTimestamp(), b.getTimestamp()) > 0;
  }

  private void later() {
    CompletableFuture.delayedExecutor(RETRY_MILLIS, TimeUnit.MILLISECONDS).execute(this::forwardHead);
  }

  /** Stops forwarding: berthd is stopping, and what still waits is lost with it. */
  synchronized void close() {
    closed = true;
  }

  private void forwardHead() {
    Envelope head;
    synchronized (this) {
      if (closed) {
        return;
      }
      head = waiting.peekFirst();
      if (head == null) {
        sending = false;
        if (forwarded > 0) {
          LOG.info("event publisher: published the " + forwarded
              + " events kept while the events service did not answer");
        }
        forwarded = 0;
        warnedFull = false;
        return;
      }
      inFlight = head;
    }
    Context.ROOT.run(() -> EventsGrpc.newStub(channel).forward(ForwardRequest.newBuilder().setEnvelope(head).build(),
        new StreamObserver<Empty>() {
          @Override
          public void onNext(Empty value) {}

          @Override
          public void onError(Throwable t) {
            if (UnreachableLog.unreachable(t)) {
              unreachable.failed("publishing " + head.getTopic(), t);
              synchronized (EventBacklog.this) {
                inFlight = null;
              }
              later();
              return;
            }
            LOG.warning("event " + head.getTopic() + " in namespace " + head.getNamespace() + " was not published: "
                + t.getMessage());
            sent(head);
          }

          @Override
          public void onCompleted() {
            unreachable.reached();
            synchronized (EventBacklog.this) {
              forwarded++;
            }
            sent(head);
          }
        }));
  }

  private void sent(Envelope head) {
    synchronized (this) {
      inFlight = null;
      // the bound may have dropped it meanwhile
      if (waiting.peekFirst() == head) {
        waiting.removeFirst();
      }
    }
    forwardHead();
  }
}
