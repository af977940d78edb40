package dev.berth.restart;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.SubscribeRequest;
import containerd.services.namespaces.v1.ListNamespacesRequest;
import containerd.services.namespaces.v1.ListNamespacesResponse;
import containerd.services.namespaces.v1.NamespacesGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The health and restart monitors of a tasks group whose metadata group is down (split berthd):
 * they keep trying to find the containers, at a steady pace however long the metadata group stays
 * away, and say so once rather than at every try.
 */
class MonitorsWithMetadataDownTest {
  private final AtomicInteger lists = new AtomicInteger();
  private final List<LogRecord> warnings = new CopyOnWriteArrayList<>();
  private final Logger restartLog = Logger.getLogger("dev.berth.restart");
  private final Logger eventsLog = Logger.getLogger("dev.berth.api.events");
  private final Handler collector = new Handler() {
    @Override
    public void publish(LogRecord record) {
      if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
        warnings.add(record);
      }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private Server server;
  private ManagedChannel channel;

  @BeforeEach
  void metadataGroupDown() throws Exception {
    String name = InProcessServerBuilder.generateName();
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addService(new NamespacesGrpc.NamespacesImplBase() {
          @Override
          public void list(ListNamespacesRequest request, StreamObserver<ListNamespacesResponse> response) {
            lists.incrementAndGet();
            response.onError(Status.UNAVAILABLE.withDescription("metadata group down").asRuntimeException());
          }
        })
        .addService(new EventsGrpc.EventsImplBase() {
          @Override
          public void subscribe(SubscribeRequest request, StreamObserver<Envelope> response) {
            response.onError(Status.UNAVAILABLE.withDescription("metadata group down").asRuntimeException());
          }
        })
        .build().start();
    channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    restartLog.addHandler(collector);
    eventsLog.addHandler(collector);
  }

  @AfterEach
  void stop() {
    restartLog.removeHandler(collector);
    eventsLog.removeHandler(collector);
    channel.shutdownNow();
    server.shutdownNow();
  }

  @Test
  void healthMonitorTriesAgainAtASteadyPaceAndSaysSoOnce() throws Exception {
    try (HealthMonitor monitor = new HealthMonitor(channel)) {
      monitor.start();
      Thread.sleep(4000);
      int before = lists.get();
      Thread.sleep(3000);
      int lastThreeSeconds = lists.get() - before;
      // one retry a second, and one look for each second's attempt to subscribe again; a retry
      // started by every such attempt made this 4 + 5 + 6 = 15 and more with each second
      assertTrue(lastThreeSeconds <= 8, "Namespaces.List " + lastThreeSeconds + " times in 3 s");
      assertTrue(lastThreeSeconds >= 2, "Namespaces.List " + lastThreeSeconds + " times in 3 s");
    }
    assertOneWarningEach();
  }

  @Test
  void restartMonitorTriesAgainEverySecondAndSaysSoOnce() throws Exception {
    RestartMonitor monitor = new RestartMonitor(channel);
    try {
      monitor.start();
      Thread.sleep(4000);
      assertTrue(lists.get() >= 3, "Namespaces.List " + lists.get() + " times in 4 s");
    } finally {
      monitor.close();
    }
    assertOneWarningEach();
  }

  /** One line for the containers it cannot list, one for the events it cannot subscribe to. */
  private void assertOneWarningEach() {
    assertEquals(2, warnings.size(), () -> warnings.stream().map(LogRecord::getMessage).toList().toString());
  }
}
