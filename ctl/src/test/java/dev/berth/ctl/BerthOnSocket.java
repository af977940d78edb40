package dev.berth.ctl;

import dev.berth.client.testing.BerthOnUnixSocket;
import io.grpc.Channel;
import java.nio.file.Path;
import java.util.Map;

/**
 * The real metadata, content, snapshots and diff services on one Unix socket (berth-client's test
 * harness, wired as berthd wires them), with berthctl runs against it.
 */
final class BerthOnSocket implements AutoCloseable {
  private final BerthOnUnixSocket services;

  private BerthOnSocket(BerthOnUnixSocket services) {
    this.services = services;
  }

  static BerthOnSocket start(Path dir) throws Exception {
    return new BerthOnSocket(BerthOnUnixSocket.start(dir));
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

  Cli.Result ctlWithInput(byte[] stdin, String... args) {
    return Cli.run(Map.of("BERTH_ADDRESS", services.socket().toString()), stdin, args);
  }

  @Override
  public void close() throws Exception {
    services.close();
  }
}
