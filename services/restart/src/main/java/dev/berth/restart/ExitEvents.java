package dev.berth.restart;

import containerd.events.TaskExit;
import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.SubscribeRequest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The exits of containers' init processes, from the Events API. When the stream breaks it is
 * opened again a second later and the listener told, since exits may have been missed meanwhile.
 */
final class ExitEvents implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ExitEvents.class.getName());
  static final String TOPIC = "/tasks/exit";
  private static final long RESUBSCRIBE_SECONDS = 1;

  interface Listener {
    /** The init process of {@code containerId} in {@code namespace} exited. Must not block. */
    void exited(String namespace, TaskExit exit);

    /** The stream was opened again after a break. */
    void resubscribed();
  }

  private final Channel api;
  private final ScheduledExecutorService executor;
  private final Listener listener;
  private ClientCallStreamObserver<SubscribeRequest> call;
  private boolean closed;

  ExitEvents(Channel api, ScheduledExecutorService executor, Listener listener) {
    this.api = api;
    this.executor = executor;
    this.listener = listener;
  }

  void subscribe() {
    EventsGrpc.newStub(api).subscribe(SubscribeRequest.newBuilder().addFilters("topic==\"" + TOPIC + "\"").build(),
        new ClientResponseObserver<SubscribeRequest, Envelope>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<SubscribeRequest> stream) {
            synchronized (ExitEvents.this) {
              if (closed) {
                stream.cancel("restart monitor closed", null);
              } else {
                call = stream;
              }
            }
          }

          @Override
          public void onNext(Envelope envelope) {
            deliver(envelope);
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

  private void deliver(Envelope envelope) {
    if (!envelope.getTopic().equals(TOPIC) || !envelope.getEvent().getTypeUrl().endsWith(TaskExit.getDescriptor().getFullName())) {
      return;
    }
    try {
      TaskExit exit = TaskExit.parseFrom(envelope.getEvent().getValue());
      // an exec's exit names the exec in id; only the init process's ends the container
      if (exit.getId().equals(exit.getContainerId())) {
        listener.exited(envelope.getNamespace(), exit);
      }
    } catch (InvalidProtocolBufferException e) {
      LOG.warning("ignoring a malformed " + TOPIC + " event: " + e.getMessage());
    }
  }

  private void broken(String why) {
    synchronized (this) {
      if (closed) {
        return;
      }
    }
    LOG.warning("restart monitor: event stream broke (" + why + "); subscribing again in " + RESUBSCRIBE_SECONDS + " s");
    try {
      executor.schedule(() -> {
        synchronized (this) {
          if (closed) {
            return;
          }
        }
        subscribe();
        listener.resubscribed();
      }, RESUBSCRIBE_SECONDS, TimeUnit.SECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  @Override
  public void close() {
    ClientCallStreamObserver<SubscribeRequest> c;
    synchronized (this) {
      closed = true;
      c = call;
    }
    if (c != null) {
      c.cancel("restart monitor closed", null);
    }
  }
}
