package dev.berth.api.network;

import dev.berth.api.network.testing.InMemoryNetworkManager;
import java.nio.file.Path;

/** The NetworkManager contract, held by the in-memory fake. */
class InMemoryNetworkManagerContractTest extends NetworkManagerContractTest {
  @Override
  protected NetworkManager openManager(Path dir) {
    return new InMemoryNetworkManager();
  }

  @Override
  protected void closeManager() {
    manager.close();
  }
}
