package dev.berth.client.testing;

import dev.berth.api.grpc.Channels;
import dev.berth.common.grpc.NamespaceRegistration;
import dev.berth.common.grpc.ServiceInterceptors;
import dev.berth.common.leases.GrpcLeaseRecorder;
import dev.berth.common.grpc.UnixSocketServer;
import dev.berth.common.store.MetadataStore;
import dev.berth.content.ContentService;
import dev.berth.content.file.FileContentStore;
import dev.berth.common.gc.GrpcGarbageCollectionRequests;
import dev.berth.metadata.MetadataServices;
import dev.berth.metadata.namespaces.GrpcUsage;
import dev.berth.snapshots.DiffService;
import dev.berth.snapshots.SnapshotsService;
import dev.berth.snapshots.overlay.OverlaySnapshotter;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.ServerServiceDefinition;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The real metadata, content, snapshots (overlayfs) and diff services on one Unix socket, wired as
 * berthd wires them: they reach each other through the socket. Snapshot data lives under the
 * given directory; the Diff service mounts there while it applies layers, so this needs root.
 * Tests that use it need berth-content, berth-metadata and berth-snapshots on their class path.
 */
public final class BerthOnUnixSocket implements AutoCloseable {
  private final Path socket;
  private final Path root;
  private final ManagedChannel self;
  private final MetadataStore store;
  private final ExecutorService executor;
  private UnixSocketServer server;

  private BerthOnUnixSocket(Path socket, Path root, MetadataStore store) {
    this.socket = socket;
    this.root = root;
    // channels connect lazily, so the services may hold one before the server listens
    this.self = Channels.unix(socket);
    this.store = store;
    this.executor = Executors.newCachedThreadPool();
  }

  /** Serves on {@code dir/berth.sock}, keeping state under {@code dir/root}. */
  public static BerthOnUnixSocket start(Path dir) throws Exception {
    BerthOnUnixSocket berth = new BerthOnUnixSocket(dir.resolve("berth.sock"), dir.resolve("root"),
        MetadataStore.open(dir.resolve("metadata.db")));
    try {
      MetadataServices metadata = new MetadataServices(berth.root, berth.store,
          List.of(GrpcUsage.content(berth.self), GrpcUsage.snapshots(berth.self, OverlaySnapshotter.NAME)), List::of,
          new GrpcGarbageCollectionRequests(berth.self));
      FileContentStore content = FileContentStore.create(berth.root, berth.store, metadata.eventPublisher(), berth.self);
      OverlaySnapshotter overlay = new OverlaySnapshotter(berth.root.resolve("snapshots/overlayfs"), berth.store);
      List<ServerServiceDefinition> services = new ArrayList<>();
      metadata.services().forEach(s -> services.add(ServiceInterceptors.wrap(s)));
      services.add(ServiceInterceptors.wrap(new ContentService(content)));
      services.add(ServiceInterceptors.wrap(new SnapshotsService(Map.of(OverlaySnapshotter.NAME, overlay),
          new GrpcLeaseRecorder(berth.self), new NamespaceRegistration(berth.self)::ensure,
          metadata.eventPublisher())));
      services.add(ServiceInterceptors.wrap(new DiffService(berth.self, berth.root.resolve("snapshots/tmp"),
          DiffService.DEFAULT_MAX_LAYER_BYTES)));
      berth.server = UnixSocketServer.start(berth.socket, services, null, berth.executor);
      return berth;
    } catch (Exception | Error e) {
      berth.close();
      throw e;
    }
  }

  public Path socket() {
    return socket;
  }

  /** The state directory (content, snapshots). */
  public Path root() {
    return root;
  }

  /** A channel to the services whose calls carry {@code namespace}. */
  public Channel channel(String namespace) {
    return Channels.inNamespace(self, namespace);
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
