package dev.berth.client;

import com.google.protobuf.Any;
import com.google.protobuf.Message;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.PublishRequest;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.util.logging.Logger;

/**
 * Publishes the events Berth's client library reports as it acts (berth.events.v1: what Docker's
 * daemon reports and containerd's API has no event for), in the channel's namespace. A lost event
 * is logged, not thrown: the action it reports has happened.
 */
public final class ClientEvents {
  private static final Logger LOG = Logger.getLogger(ClientEvents.class.getName());

  private final EventsGrpc.EventsBlockingStub events;

  /** {@code channel} carries the namespace, which Events.Publish requires. */
  public ClientEvents(Channel channel) {
    this.events = EventsGrpc.newBlockingStub(channel);
  }

  public void publish(String topic, Message event) {
    // containerd names an event's type by the message's full name alone
    Any packed = Any.newBuilder().setTypeUrl(event.getDescriptorForType().getFullName())
        .setValue(event.toByteString()).build();
    try {
      events.publish(PublishRequest.newBuilder().setTopic(topic).setEvent(packed).build());
    } catch (StatusRuntimeException e) {
      LOG.warning("event " + topic + " was not published: " + e.getStatus());
    }
  }
}
