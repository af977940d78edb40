package dev.berth.restart;

import containerd.events.TaskExit;
import containerd.services.events.v1.Envelope;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.berth.api.events.EventSubscription;
import io.grpc.Channel;
import java.util.List;
import java.util.logging.Logger;

/**
 * The exits of containers' init processes, from the Events API. When the stream breaks it is
 * opened again and the listener told, since exits may have been missed meanwhile.
 */
final class ExitEvents implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(ExitEvents.class.getName());
  static final String TOPIC = "/tasks/exit";

  interface Listener {
    /** The init process of {@code containerId} in {@code namespace} exited. Must not block. */
    void exited(String namespace, TaskExit exit);

    /** The stream was opened again after a break. */
    void resubscribed();
  }

  private final Listener listener;
  private final EventSubscription subscription;

  ExitEvents(Channel api, Listener listener) {
    this.listener = listener;
    this.subscription = new EventSubscription("restart monitor", api, List.of("topic==\"" + TOPIC + "\""),
        new EventSubscription.Listener() {
          @Override
          public void event(Envelope envelope) {
            deliver(envelope);
          }

          @Override
          public void resubscribed() {
            listener.resubscribed();
          }
        });
  }

  void subscribe() {
    subscription.subscribe();
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

  @Override
  public void close() {
    subscription.close();
  }
}
