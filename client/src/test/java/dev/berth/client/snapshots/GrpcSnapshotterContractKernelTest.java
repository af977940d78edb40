package dev.berth.client.snapshots;

import dev.berth.api.snapshots.Snapshotter;
import dev.berth.api.snapshots.SnapshotterContractTest;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.testing.InProcessServices;
import dev.berth.common.testing.NoLeases;
import dev.berth.snapshots.SnapshotsService;
import dev.berth.snapshots.overlay.OverlaySnapshotter;
import java.nio.file.Path;
import java.util.Map;

/**
 * The Snapshotter contract, held by {@link GrpcSnapshotter} in front of the real Snapshots
 * service over the overlay snapshotter on the kernel, served in-process. Needs root.
 */
class GrpcSnapshotterContractKernelTest extends SnapshotterContractTest {
  private MetadataStore store;
  private InProcessServices server;

  @Override
  protected Snapshotter openSnapshotter(Path dir) throws Exception {
    store = MetadataStore.open(dir.resolve("meta.db"));
    OverlaySnapshotter overlay = new OverlaySnapshotter(dir.resolve("root"), store);
    server = InProcessServices.start(new SnapshotsService(Map.of(OverlaySnapshotter.NAME, overlay), new NoLeases(),
        namespace -> {}, (namespace, topic, event) -> {}));
    return new GrpcSnapshotter(server.channel(), OverlaySnapshotter.NAME);
  }

  @Override
  protected void closeSnapshotter() throws Exception {
    if (server != null) {
      server.close();
    }
    if (store != null) {
      store.close();
    }
  }
}
