package dev.berth.metadata.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import berth.events.v1.EventHistoryGrpc;
import berth.events.v1.SubscribeSinceRequest;
import com.google.protobuf.Timestamp;
import containerd.services.events.v1.Envelope;
import dev.berth.api.filter.Filter;
import dev.berth.common.testing.InProcessServices;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Replaying the recorded events before following new ones: what {@code events --since} asks for. */
class EventHistoryServiceTest {
  private static Timestamp at(long seconds) {
    return Timestamp.newBuilder().setSeconds(seconds).build();
  }

  private static Envelope envelope(String namespace, String topic, long seconds) {
    return Envelope.newBuilder().setNamespace(namespace).setTopic(topic).setTimestamp(at(seconds)).build();
  }

  private static List<String> topics(Iterator<Envelope> events) {
    List<String> topics = new ArrayList<>();
    events.forEachRemaining(e -> topics.add(e.getTopic()));
    return topics;
  }

  @Test
  void aPastUntilReplaysTheRecordedEventsInTimeAndEnds() throws Exception {
    EventBus bus = new EventBus();
    bus.publish(envelope("web", "/a", 100));
    bus.publish(envelope("db", "/b", 200));
    bus.publish(envelope("web", "/c", 200));
    bus.publish(envelope("web", "/d", 300));
    try (InProcessServices grpc = InProcessServices.start(new EventHistoryService(bus))) {
      EventHistoryGrpc.EventHistoryBlockingStub history =
          EventHistoryGrpc.newBlockingStub(grpc.channel()).withDeadlineAfter(5, TimeUnit.SECONDS);
      assertEquals(List.of("/c"), topics(history.subscribe(SubscribeSinceRequest.newBuilder()
          .addFilters("namespace==web").setSince(at(150)).setUntil(at(250)).build())));
      assertEquals(List.of("/a", "/b", "/c", "/d"), topics(history.subscribe(SubscribeSinceRequest.newBuilder()
          .setSince(at(0)).setUntil(at(300)).build())));
      StatusRuntimeException backwards = assertThrows(StatusRuntimeException.class, () -> history.subscribe(
          SubscribeSinceRequest.newBuilder().setSince(at(300)).setUntil(at(100)).build()).hasNext());
      assertEquals(Status.Code.INVALID_ARGUMENT, backwards.getStatus().getCode());
    }
  }

  @Test
  void theReplayIsFollowedByNewEvents() throws Exception {
    EventBus bus = new EventBus();
    bus.publish(envelope("web", "/old", 100));
    bus.publish(envelope("web", "/recent", 200));
    try (InProcessServices grpc = InProcessServices.start(new EventHistoryService(bus))) {
      Iterator<Envelope> events = EventHistoryGrpc.newBlockingStub(grpc.channel())
          .withDeadlineAfter(5, TimeUnit.SECONDS)
          .subscribe(SubscribeSinceRequest.newBuilder().setSince(at(150)).build());
      assertEquals("/recent", events.next().getTopic());
      bus.publish(envelope("web", "/new", 400));
      assertEquals("/new", events.next().getTopic());
    }
  }

  @Test
  void onlyTheLastEventsAreKept() throws Exception {
    EventBus bus = new EventBus(2);
    for (int i = 1; i <= 3; i++) {
      bus.publish(envelope("web", "/e" + i, i));
    }
    List<String> replayed = new ArrayList<>();
    bus.replay(Filter.parse(List.of()), e -> true, e -> replayed.add(e.getTopic()));
    assertEquals(List.of("/e2", "/e3"), replayed);
  }

  /**
   * With {@code complete}, a replay that would miss events the record dropped fails with
   * OUT_OF_RANGE instead of skipping them; events of other namespaces (or older than {@code since})
   * dropped do not count.
   */
  @Test
  void aCompleteReplayFailsWhenTheRecordDroppedWhatItWouldSend() throws Exception {
    EventBus bus = new EventBus(2);
    bus.publish(envelope("web", "/e1", 100));
    bus.publish(envelope("db", "/x", 200));
    bus.publish(envelope("web", "/e2", 300));
    bus.publish(envelope("web", "/e3", 400));
    try (InProcessServices grpc = InProcessServices.start(new EventHistoryService(bus))) {
      EventHistoryGrpc.EventHistoryBlockingStub history =
          EventHistoryGrpc.newBlockingStub(grpc.channel()).withDeadlineAfter(5, TimeUnit.SECONDS);
      for (boolean live : List.of(true, false)) {
        SubscribeSinceRequest.Builder gap = SubscribeSinceRequest.newBuilder().addFilters("namespace==web")
            .setSince(at(100)).setComplete(true);
        if (!live) {
          gap.setUntil(at(400));
        }
        StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
            () -> history.subscribe(gap.build()).hasNext());
        assertEquals(Status.Code.OUT_OF_RANGE, refused.getStatus().getCode(), refused.toString());
        // without complete: what is left
        assertEquals(List.of("/e2", "/e3"), topics(history.subscribe(gap.setComplete(false).setUntil(at(400))
            .build())));
      }
      // db's /x, dropped at 200, is not web's; web's /e1 is older than 150
      assertEquals(List.of("/e2", "/e3"), topics(history.subscribe(SubscribeSinceRequest.newBuilder()
          .addFilters("namespace==web").setSince(at(150)).setUntil(at(400)).setComplete(true).build())));
      Iterator<Envelope> live = EventHistoryGrpc.newBlockingStub(grpc.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
          .subscribe(SubscribeSinceRequest.newBuilder().addFilters("namespace==web").setSince(at(150))
              .setComplete(true).build());
      assertEquals("/e2", live.next().getTopic());
      assertEquals("/e3", live.next().getTopic());
      bus.publish(envelope("web", "/e4", 500));
      assertEquals("/e4", live.next().getTopic());
    }
  }
}
