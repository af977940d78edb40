package dev.berth.snapshots.overlay;

import dev.berth.api.snapshots.Snapshotter;
import dev.berth.api.snapshots.SnapshotterContractTest;
import dev.berth.common.store.MetadataStore;
import java.nio.file.Path;

/** The Snapshotter contract, held by the overlay snapshotter on the real kernel. Needs root. */
class OverlaySnapshotterContractKernelTest extends SnapshotterContractTest {
  private MetadataStore store;

  @Override
  protected Snapshotter openSnapshotter(Path dir) throws Exception {
    store = MetadataStore.open(dir.resolve("meta.db"));
    return new OverlaySnapshotter(dir.resolve("root"), store);
  }

  @Override
  protected void closeSnapshotter() {
    if (store != null) {
      store.close();
    }
  }
}
