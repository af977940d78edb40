package dev.berth.ctl;

import dev.berth.common.grpc.Channels;
import dev.berth.common.grpc.ServiceInterceptors;
import dev.berth.common.grpc.UnixSocketServer;
import dev.berth.common.store.MetadataStore;
import dev.berth.content.ContentService;
import dev.berth.content.file.FileContentStore;
import dev.berth.metadata.MetadataServices;
import dev.berth.metadata.namespaces.GrpcContentUsage;
import io.grpc.ManagedChannel;
import io.grpc.ServerServiceDefinition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The real content and metadata services on one Unix socket, wired as berthd wires them: the
 * services reach each other through the socket.
 */
final class BerthOnSocket implements AutoCloseable {
  private final Path socket;
  private final ManagedChannel self;
  private final MetadataStore store;
  private final ExecutorService executor;
  private UnixSocketServer server;

  private BerthOnSocket(Path socket, ManagedChannel self, MetadataStore store, ExecutorService executor) {
    this.socket = socket;
    this.self = self;
    this.store = store;
    this.executor = executor;
  }

  static BerthOnSocket start(Path dir) throws Exception {
    Path socket = dir.resolve("berth.sock");
    Path root = dir.resolve("root");
    // channels connect lazily, so the services may hold one before the server listens
    BerthOnSocket berth = new BerthOnSocket(socket, Channels.unix(socket),
        MetadataStore.open(dir.resolve("metadata.db")), Executors.newCachedThreadPool());
    try {
      MetadataServices metadata = new MetadataServices(root, berth.store,
          List.of(new GrpcContentUsage(berth.self)), List::of);
      FileContentStore content = FileContentStore.open(root, berth.store, metadata.eventPublisher(), berth.self);
      List<ServerServiceDefinition> services = new ArrayList<>();
      metadata.services().forEach(s -> services.add(ServiceInterceptors.wrap(s)));
      services.add(ServiceInterceptors.wrap(new ContentService(content)));
      berth.server = UnixSocketServer.start(socket, services, null, berth.executor);
      return berth;
    } catch (Exception | Error e) {
      berth.close();
      throw e;
    }
  }

  Path socket() {
    return socket;
  }

  /** Runs berthctl against this server, in the default namespace unless args say otherwise. */
  Cli.Result ctl(String... args) {
    return ctlWithInput(new byte[0], args);
  }

  Cli.Result ctlWithInput(byte[] stdin, String... args) {
    return Cli.run(Map.of("BERTH_ADDRESS", socket.toString()), stdin, args);
  }

  @Override
  public void close() throws Exception {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      self.shutdownNow();
      executor.shutdownNow();
      store.close();
    }
  }
}
