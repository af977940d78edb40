package dev.berth.client.network;

import dev.berth.api.network.NetworkManager;
import dev.berth.api.network.NetworkManagerContractTest;
import dev.berth.api.network.testing.InMemoryNetworkManager;
import dev.berth.common.testing.InProcessServices;
import dev.berth.network.NetworkServices;
import io.grpc.BindableService;
import java.nio.file.Path;

/**
 * The NetworkManager contract, held by {@link GrpcNetworkManager} in front of the real Networks
 * and Attachments services, served in-process over the in-memory manager: what the wire and the
 * conversions on both sides keep or lose shows here, without a kernel.
 */
class GrpcNetworkManagerContractTest extends NetworkManagerContractTest {
  private InMemoryNetworkManager served;
  private InProcessServices server;

  @Override
  protected NetworkManager openManager(Path dir) throws Exception {
    served = new InMemoryNetworkManager();
    server = InProcessServices.start(
        NetworkServices.of(served, (namespace, topic, event) -> { }).toArray(BindableService[]::new));
    return new GrpcNetworkManager(server.channel());
  }

  @Override
  protected void closeManager() throws Exception {
    if (server != null) {
      server.close();
    }
    if (served != null) {
      served.close();
    }
  }
}
