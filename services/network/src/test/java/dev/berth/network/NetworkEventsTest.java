package dev.berth.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import berth.events.v1.NetworkChange;
import berth.events.v1.NetworkConnection;
import berth.network.v1.AttachRequest;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.DeleteNetworkRequest;
import berth.network.v1.DetachRequest;
import berth.network.v1.Network;
import berth.network.v1.NetworksGrpc;
import com.google.protobuf.Message;
import dev.berth.api.network.testing.InMemoryNetworkManager;
import dev.berth.common.testing.InProcessServices;
import io.grpc.BindableService;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the network services announce: Docker's network create, connect, disconnect and destroy. */
class NetworkEventsTest {
  /** Namespace, topic, then the network's name and driver, and the container for a connection. */
  private final List<String> announced = new ArrayList<>();
  private InProcessServices server;
  private NetworksGrpc.NetworksBlockingStub networks;
  private AttachmentsGrpc.AttachmentsBlockingStub attachments;

  @BeforeEach
  void start() throws Exception {
    server = InProcessServices.start(NetworkServices.of(new InMemoryNetworkManager(),
        (namespace, topic, event) -> announced.add(namespace + " " + topic + " " + describe(event)))
        .toArray(BindableService[]::new));
    networks = NetworksGrpc.newBlockingStub(server.channel());
    attachments = AttachmentsGrpc.newBlockingStub(server.channel());
  }

  private static String describe(Message event) {
    if (event instanceof NetworkConnection c) {
      return c.getName() + " " + c.getDriver() + " " + c.getContainerId() + " " + !c.getId().isEmpty();
    }
    NetworkChange n = (NetworkChange) event;
    return n.getName() + " " + n.getDriver() + " " + !n.getId().isEmpty();
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
  }

  @Test
  void networksMadeConnectedDisconnectedAndRemovedAreAnnounced() {
    networks.create(CreateNetworkRequest.newBuilder().setNetwork(Network.newBuilder().setName("web")).build());
    attachments.attach(AttachRequest.newBuilder().setContainerId("c1").setNetwork("web").build());
    attachments.attach(AttachRequest.newBuilder().setContainerId("c2").setNetwork("none").build());
    attachments.detach(DetachRequest.newBuilder().setContainerId("c1").setNetwork("web").build());
    // detach is idempotent; only what was there is announced
    attachments.detach(DetachRequest.newBuilder().setContainerId("c1").setNetwork("web").build());
    attachments.detach(DetachRequest.newBuilder().setContainerId("c2").build());
    networks.delete(DeleteNetworkRequest.newBuilder().setName("web").build());
    assertEquals(List.of("default /networks/create web bridge true", "default /networks/connect web bridge c1 true",
        "default /networks/disconnect web bridge c1 true", "default /networks/delete web bridge true"), announced);
  }
}
