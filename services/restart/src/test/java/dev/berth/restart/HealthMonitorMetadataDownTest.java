package dev.berth.restart;

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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The health monitor of a tasks group whose metadata group is down (split berthd): it keeps
 * trying to find the running containers, at a steady pace however long the metadata group stays
 * away.
 */
class HealthMonitorMetadataDownTest {
  @Test
  void triesAgainAtASteadyPaceWhileNamespacesAreUnavailable() throws Exception {
    AtomicInteger lists = new AtomicInteger();
    String name = InProcessServerBuilder.generateName();
    Server server = InProcessServerBuilder.forName(name).directExecutor()
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
    ManagedChannel channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    HealthMonitor monitor = new HealthMonitor(channel);
    try {
      monitor.start();
      Thread.sleep(4000);
      int before = lists.get();
      Thread.sleep(3000);
      int lastThreeSeconds = lists.get() - before;
      // one retry a second, and one look for each second's attempt to subscribe again; a retry
      // started by every such attempt made this 4 + 5 + 6 = 15 and more with each second
      assertTrue(lastThreeSeconds <= 8, "Namespaces.List " + lastThreeSeconds + " times in 3 s");
      assertTrue(lastThreeSeconds >= 2, "Namespaces.List " + lastThreeSeconds + " times in 3 s");
    } finally {
      monitor.close();
      channel.shutdownNow();
      server.shutdownNow();
    }
  }
}
