package dev.berth.metadata.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import containerd.events.ContentDelete;
import containerd.services.events.v1.Envelope;
import dev.berth.api.filter.Filter;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class EventBusTest {
  @Test
  void aClosedSubscriptionGetsNothingMore() throws Exception {
    EventBus bus = new EventBus();
    BusEventPublisher publisher = new BusEventPublisher(bus);
    List<Envelope> got = new CopyOnWriteArrayList<>();
    AutoCloseable subscription = bus.subscribe(Filter.parse(List.of("topic~=^/images/")), got::add);

    publisher.publish("web", "/images/create", ContentDelete.getDefaultInstance());
    publisher.publish("web", "/content/delete", ContentDelete.getDefaultInstance());
    subscription.close();
    publisher.publish("web", "/images/delete", ContentDelete.getDefaultInstance());

    assertEquals(List.of("/images/create"), got.stream().map(Envelope::getTopic).toList());
  }
}
