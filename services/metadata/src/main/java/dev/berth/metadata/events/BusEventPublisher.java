package dev.berth.metadata.events;

import com.google.protobuf.Message;
import containerd.services.events.v1.Envelope;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.events.TypeUrls;
import dev.berth.common.time.EpochNanos;

/** Publishes straight into the bus, for services in the same JVM as the Events service. */
public final class BusEventPublisher implements EventPublisher {
  private final EventBus bus;

  public BusEventPublisher(EventBus bus) {
    this.bus = bus;
  }

  @Override
  public void publish(String namespace, String topic, Message event) {
    bus.publish(Envelope.newBuilder()
        .setTimestamp(EpochNanos.toTimestamp(EpochNanos.now()))
        .setNamespace(namespace)
        .setTopic(topic)
        .setEvent(TypeUrls.pack(event))
        .build());
  }
}
