package dev.berth.common.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.Empty;
import com.google.protobuf.util.Timestamps;
import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.ForwardRequest;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events kept while the events service did not answer, forwarded once it does. */
class EventBacklogTest {
  private final List<String> forwarded = new CopyOnWriteArrayList<>();
  /** How many forwards the events service refuses as unreachable before it takes them. */
  private final AtomicInteger downFor = new AtomicInteger();
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void eventsService() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new EventsGrpc.EventsImplBase() {
          @Override
          public void forward(ForwardRequest request, StreamObserver<Empty> response) {
            if (downFor.getAndDecrement() > 0) {
              response.onError(Status.UNAVAILABLE.withDescription("metadata group down").asRuntimeException());
              return;
            }
            forwarded.add(request.getEnvelope().getTopic());
            response.onNext(Empty.getDefaultInstance());
            response.onCompleted();
          }
        })
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
  }

  @AfterEach
  void stop() {
    channel.shutdownNow();
    server.shutdownNow();
  }

  private static Envelope at(long millis, String topic) {
    return Envelope.newBuilder().setNamespace("default").setTopic(topic).setTimestamp(Timestamps.fromMillis(millis))
        .build();
  }

  @Test
  void failuresReportedOutOfOrderAreForwardedInTheOrderTheEventsHappened() throws Exception {
    downFor.set(2);
    EventBacklog backlog = new EventBacklog(channel, 100);
    try {
      Throwable down = Status.UNAVAILABLE.asRuntimeException();
      // three sends failed side by side; their callbacks came back in another order
      backlog.keep(at(2_000, "/b"), down);
      backlog.keep(at(1_000, "/a"), down);
      backlog.keep(at(3_000, "/c"), down);
      awaitForwarded(3);
      assertEquals(List.of("/a", "/b", "/c"), forwarded);
    } finally {
      backlog.close();
    }
  }

  @Test
  void pastTheBoundTheOldestGo() throws Exception {
    EventBacklog backlog = new EventBacklog(channel, 2);
    try {
      backlog.keep(at(1_000, "/a"));
      backlog.keep(at(2_000, "/b"));
      backlog.keep(at(3_000, "/c"));
      awaitForwarded(2);
      Thread.sleep(700);
      assertEquals(List.of("/b", "/c"), forwarded);
    } finally {
      backlog.close();
    }
  }

  private void awaitForwarded(int count) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (forwarded.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
  }
}
