package dev.berth.metadata.events;

import static dev.berth.metadata.MetadataTestServer.assertCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Any;
import com.google.protobuf.Timestamp;
import containerd.events.ContentDelete;
import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.EventsGrpc.EventsBlockingStub;
import containerd.services.events.v1.ForwardRequest;
import containerd.services.events.v1.PublishRequest;
import containerd.services.events.v1.SubscribeRequest;
import dev.berth.common.events.TypeUrls;
import dev.berth.common.testing.InProcessServices;
import dev.berth.metadata.MetadataTestServer;
import dev.berth.metadata.MetadataTestServer.Subscription;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class EventsServiceTest {
  private static final Any EVENT = TypeUrls.pack(ContentDelete.newBuilder().setDigest("sha256:" + "0".repeat(64)).build());

  @RegisterExtension
  final MetadataTestServer server = MetadataTestServer.perTest();

  private EventsBlockingStub events(String namespace) {
    return EventsGrpc.newBlockingStub(server.inNamespace(namespace));
  }

  private static PublishRequest publish(String topic) {
    return PublishRequest.newBuilder().setTopic(topic).setEvent(EVENT).build();
  }

  @Test
  void subscriberReceivesPublishedEventsMatchingItsFilter() throws Exception {
    try (Subscription web = server.subscribe("namespace==web,topic==\"/content/delete\"");
        Subscription all = server.subscribe()) {
      events("db").publish(publish("/content/delete"));
      events("web").publish(publish("/content/create"));
      events("web").publish(publish("/content/delete"));

      Envelope got = web.next();
      assertEquals("web", got.getNamespace());
      assertEquals("/content/delete", got.getTopic());
      assertEquals(EVENT, got.getEvent());
      assertTrue(got.getTimestamp().getSeconds() > 0);
      assertEquals(List.of(), web.pending());

      assertEquals(List.of("db", "web", "web"),
          List.of(all.next(), all.next(), all.next()).stream().map(Envelope::getNamespace).toList());
    }
  }

  @Test
  void topicsMustBeSlashSeparatedIdentifiers() {
    for (String topic : List.of("no-leading-slash", "/", "", "/a//b", "/a/", "/bad topic")) {
      assertCode(Status.Code.INVALID_ARGUMENT, () -> events("web").publish(publish(topic)));
    }
  }

  @Test
  void publishWithoutANamespaceHeaderIsFailedPrecondition() throws Exception {
    try (Subscription all = server.subscribe()) {
      assertCode(Status.Code.FAILED_PRECONDITION,
          () -> EventsGrpc.newBlockingStub(server.channel()).publish(publish("/content/delete")));
      assertEquals(List.of(), all.pending());
    }
  }

  @Test
  void forwardDeliversTheEnvelopeAsGiven() throws Exception {
    Envelope envelope = Envelope.newBuilder()
        .setTimestamp(Timestamp.newBuilder().setSeconds(1_700_000_000).setNanos(42))
        .setNamespace("k8s.io")
        .setTopic("/tasks/exit")
        .setEvent(EVENT)
        .build();
    try (Subscription all = server.subscribe()) {
      // The envelope's namespace counts, not the caller's header.
      events("default").forward(ForwardRequest.newBuilder().setEnvelope(envelope).build());
      assertEquals(envelope, all.next());
    }
  }

  @Test
  void forwardRefusesIncompleteEnvelopes() {
    Envelope good = Envelope.newBuilder()
        .setTimestamp(Timestamp.newBuilder().setSeconds(1)).setNamespace("web").setTopic("/tasks/exit").build();
    for (Envelope bad : List.of(good.toBuilder().setNamespace("").build(),
        good.toBuilder().setNamespace("Bad NS!").build(),
        good.toBuilder().setTopic("tasks").build(),
        good.toBuilder().clearTimestamp().build())) {
      assertCode(Status.Code.INVALID_ARGUMENT,
          () -> events("web").forward(ForwardRequest.newBuilder().setEnvelope(bad).build()));
    }
  }

  @Test
  void aMalformedSubscribeFilterIsInvalidArgument() throws Exception {
    try (Subscription s = server.subscribe("topic==")) {
      assertEquals(Status.Code.INVALID_ARGUMENT, s.awaitEnd().getCode());
    }
  }

  @Test
  void aSubscriberThatFallsBehindIsEndedWithoutHoldingUpOthers() throws Exception {
    EventBus bus = new EventBus();
    BusEventPublisher publisher = new BusEventPublisher(bus);
    try (InProcessServices grpc = InProcessServices.start(new EventsService(bus, 4))) {
      CompletableFuture<Status> stalledEnd = new CompletableFuture<>();
      ClientResponseObserver<SubscribeRequest, Envelope> stalled = new ClientResponseObserver<>() {
        @Override
        public void beforeStart(ClientCallStreamObserver<SubscribeRequest> call) {
          call.disableAutoRequestWithInitial(0); // never asks for an event
        }

        @Override
        public void onNext(Envelope value) {
          stalledEnd.completeExceptionally(new AssertionError("a stalled subscriber got an event"));
        }

        @Override
        public void onError(Throwable t) {
          stalledEnd.complete(Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
          stalledEnd.complete(Status.OK);
        }
      };
      EventsGrpc.newStub(grpc.channel()).subscribe(SubscribeRequest.getDefaultInstance(), stalled);
      try (Subscription keepingUp = new Subscription()) {
        EventsGrpc.newStub(grpc.channel()).subscribe(SubscribeRequest.getDefaultInstance(), keepingUp);
        for (int i = 0; i < 6; i++) {
          publisher.publish("web", "/test/event" + i, ContentDelete.getDefaultInstance());
        }
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, stalledEnd.get(5, TimeUnit.SECONDS).getCode());
        for (int i = 0; i < 6; i++) {
          assertEquals("/test/event" + i, keepingUp.next().getTopic());
        }
      }
    }
  }
}
