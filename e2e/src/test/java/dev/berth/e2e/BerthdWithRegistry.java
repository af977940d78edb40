package dev.berth.e2e;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.api.testing.LoopbackRegistry;
import java.nio.file.Path;

/**
 * A test's private berthd and a loopback registry beside it, its files under berthd's work
 * directory; skipped where Debian's docker-registry is missing. Closing stops the registry, then
 * berthd, each even when the other fails.
 */
record BerthdWithRegistry(PrivateBerthd berthd, LoopbackRegistry registry) implements AutoCloseable {
  /** How the registry starts in its directory: plain, with basic auth, ... */
  interface RegistryStart {
    LoopbackRegistry in(Path dir) throws Exception;
  }

  static BerthdWithRegistry start(RegistryStart registry) throws Exception {
    assumeTrue(LoopbackRegistry.available(), "needs docker-registry");
    PrivateBerthd berthd = PrivateBerthd.start();
    try {
      return new BerthdWithRegistry(berthd, registry.in(berthd.work().resolve("registry")));
    } catch (Exception | Error e) {
      berthd.close();
      throw e;
    }
  }

  @Override
  public void close() throws Exception {
    try {
      registry.close();
    } finally {
      berthd.close();
    }
  }
}
