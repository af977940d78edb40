package dev.berth.ctl;

import dev.berth.client.testing.BerthOnUnixSocket;
import dev.berth.common.fs.FileTrees;
import io.grpc.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The real metadata, content, snapshots and diff services on one Unix socket (berth-client's test
 * harness, wired as berthd wires them), with berthctl runs against it: fresh for each test, in a
 * directory of its own, when registered with {@code @RegisterExtension}. A test's
 * {@code @BeforeEach} methods run after the services have started.
 */
final class BerthOnSocket implements BeforeEachCallback, AfterEachCallback {
  private Path dir;
  private BerthOnUnixSocket services;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("berthctl-socket");
    services = BerthOnUnixSocket.start(dir);
  }

  /** Runs after a failed start too. */
  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      if (services != null) {
        services.close();
      }
    } finally {
      FileTrees.deleteRecursively(dir);
    }
  }

  Path socket() {
    return services.socket();
  }

  /** A channel to the services in {@code namespace}, to check what berthctl did. */
  Channel channel(String namespace) {
    return services.channel(namespace);
  }

  /** Runs berthctl against this server, in the default namespace unless args say otherwise. */
  Cli.Result ctl(String... args) {
    return ctlWithInput(new byte[0], args);
  }

  /** Runs berthctl into a pipe whose reader leaves after its first read (see {@link Cli#runIntoReaderThatLeaves}). */
  Cli.Result ctlIntoReaderThatLeaves(String... args) {
    return Cli.runIntoReaderThatLeaves(Map.of("BERTH_ADDRESS", services.socket().toString()), args);
  }

  Cli.Result ctlWithInput(byte[] stdin, String... args) {
    return Cli.run(Map.of("BERTH_ADDRESS", services.socket().toString()), stdin, args);
  }
}
