package dev.berth.network;

import dev.berth.api.network.NetworkManager;
import dev.berth.api.network.NetworkManagerContractTest;
import java.nio.file.Path;

/**
 * The NetworkManager contract, held by the kernel manager in a network namespace of the test's
 * own (see {@link NetworkHarness}, which removes it and all in it at close). Needs root.
 */
class KernelNetworkManagerContractKernelTest extends NetworkManagerContractTest {
  private NetworkHarness harness;

  @Override
  protected NetworkManager openManager(Path dir) throws Exception {
    harness = NetworkHarness.open(dir).start();
    return harness.manager;
  }

  @Override
  protected void closeManager() {
    if (harness != null) {
      harness.close();
    }
  }
}
