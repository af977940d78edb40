package dev.berth.api.events;

import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.SubscribeRequest;
import dev.berth.api.grpc.UnreachableLog;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A subscription to the Events API for a background worker that must not go deaf: when the stream
 * breaks (berthd's events service restarted, a socket closed), it is opened again a second later
 * and the listener told, since events may have been missed meanwhile.
 */
public final class EventSubscription implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(EventSubscription.class.getName());
  private static final long RESUBSCRIBE_MILLIS = 1000;

  /** What the subscriber hears. Both are called on gRPC's threads and must not block. */
  public interface Listener {
    /** An event that matched the filters. */
    void event(Envelope envelope);

    /** The stream was opened again after a break. */
    void resubscribed();
  }

  private final String owner;
  private final Channel api;
  private final SubscribeRequest request;
  private final Listener listener;
  private final UnreachableLog unreachable;
  private ClientCallStreamObserver<SubscribeRequest> call;
  private boolean closed;

  /**
   * @param owner names the subscriber in log lines, like "restart monitor"
   * @param filters containerd filters, any of which an event must match (e.g. {@code topic=="/tasks/exit"})
   */
  public EventSubscription(String owner, Channel api, List<String> filters, Listener listener) {
    this(owner, api, filters, listener, new UnreachableLog(LOG, owner));
  }

  /**
   * As {@link #EventSubscription(String, Channel, List, Listener)}, with an events service that
   * does not answer told to {@code unreachable}, which the subscriber's other work shares.
   */
  public EventSubscription(String owner, Channel api, List<String> filters, Listener listener,
      UnreachableLog unreachable) {
    this.unreachable = unreachable;
    this.owner = owner;
    this.api = api;
    this.request = SubscribeRequest.newBuilder().addAllFilters(filters).build();
    this.listener = listener;
  }

  /** Opens the stream; events arrive from then on. */
  public void subscribe() {
    EventsGrpc.newStub(api).subscribe(request, new ClientResponseObserver<SubscribeRequest, Envelope>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<SubscribeRequest> stream) {
        synchronized (EventSubscription.this) {
          if (closed) {
            stream.cancel(owner + " closed", null);
          } else {
            call = stream;
          }
        }
      }

      @Override
      public void onNext(Envelope envelope) {
        unreachable.reached();
        listener.event(envelope);
      }

      @Override
      public void onError(Throwable t) {
        if (isClosed()) {
          return;
        }
        if (Status.fromThrowable(t).getCode() == Status.Code.CANCELLED) {
          // the events service stopping ends its streams so; subscribing again says whether it is gone
          LOG.fine(owner + ": event stream ended by the server (" + t.getMessage() + "); subscribing again");
        } else if (!unreachable.failed("subscribing to events", t)) {
          LOG.warning(owner + ": event stream broke (" + t.getMessage() + "); subscribing again in "
              + RESUBSCRIBE_MILLIS + " ms");
        }
        broken();
      }

      @Override
      public void onCompleted() {
        if (isClosed()) {
          return;
        }
        LOG.warning(owner + ": event stream broke (the server ended it); subscribing again in " + RESUBSCRIBE_MILLIS
            + " ms");
        broken();
      }
    });
  }

  private synchronized boolean isClosed() {
    return closed;
  }

  private void broken() {
    CompletableFuture.runAsync(() -> {
      if (isClosed()) {
        return;
      }
      subscribe();
      listener.resubscribed();
    }, CompletableFuture.delayedExecutor(RESUBSCRIBE_MILLIS, TimeUnit.MILLISECONDS));
  }

  @Override
  public void close() {
    ClientCallStreamObserver<SubscribeRequest> c;
    synchronized (this) {
      closed = true;
      c = call;
    }
    if (c != null) {
      try {
        c.cancel(owner + " closed", null);
      } catch (RuntimeException e) {
        // grpc-java's in-process transport throws from cancel when the server shut down while
        // the call was starting (its server-side listener never set); the call is over either way
        LOG.fine(() -> owner + ": cancelling the event stream on close failed: " + e);
      }
    }
  }
}
