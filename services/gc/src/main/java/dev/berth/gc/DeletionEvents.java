package dev.berth.gc;

import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.SubscribeRequest;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import java.util.Timer;
import java.util.TimerTask;
import java.util.logging.Logger;

/**
 * Deletions that can leave something unreferenced, from the Events API: an image's, a
 * container's, a snapshot's. Each asks the scheduler for a collection soon; a snapshot removal
 * during a collection is the collector's own and asks for nothing. (Lease deletions publish no
 * event in containerd: the Leases service asks the collector itself.) A broken stream is opened
 * again a second later, with a collection, since deletions may have been missed.
 */
final class DeletionEvents implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(DeletionEvents.class.getName());
  static final String SNAPSHOT_REMOVE = "/snapshot/remove";
  static final List<String> TOPICS = List.of("/images/delete", "/containers/delete", SNAPSHOT_REMOVE);
  private static final long RESUBSCRIBE_MILLIS = 1000;

  private final Channel api;
  private final CollectionScheduler scheduler;
  private final Timer timer = new Timer("gc-events", true);
  private ClientCallStreamObserver<SubscribeRequest> call;
  private boolean closed;

  DeletionEvents(Channel api, CollectionScheduler scheduler) {
    this.api = api;
    this.scheduler = scheduler;
  }

  void subscribe() {
    SubscribeRequest.Builder request = SubscribeRequest.newBuilder();
    TOPICS.forEach(t -> request.addFilters("topic==\"" + t + "\""));
    EventsGrpc.newStub(api).subscribe(request.build(), new ClientResponseObserver<SubscribeRequest, Envelope>() {
      @Override
      public void beforeStart(ClientCallStreamObserver<SubscribeRequest> stream) {
        synchronized (DeletionEvents.this) {
          if (closed) {
            stream.cancel("gc closed", null);
          } else {
            call = stream;
          }
        }
      }

      @Override
      public void onNext(Envelope envelope) {
        if (!(envelope.getTopic().equals(SNAPSHOT_REMOVE) && scheduler.collecting())) {
          scheduler.soon();
        }
      }

      @Override
      public void onError(Throwable t) {
        broken(t.getMessage());
      }

      @Override
      public void onCompleted() {
        broken("the server ended it");
      }
    });
  }

  private synchronized void broken(String why) {
    if (closed) {
      return;
    }
    LOG.warning("gc: event stream broke (" + why + "); subscribing again in " + RESUBSCRIBE_MILLIS + " ms");
    timer.schedule(new TimerTask() {
      @Override
      public void run() {
        synchronized (DeletionEvents.this) {
          if (closed) {
            return;
          }
        }
        subscribe();
        scheduler.soon();
      }
    }, RESUBSCRIBE_MILLIS);
  }

  @Override
  public void close() {
    ClientCallStreamObserver<SubscribeRequest> c;
    synchronized (this) {
      closed = true;
      c = call;
    }
    timer.cancel();
    if (c != null) {
      c.cancel("gc closed", null);
    }
  }
}
