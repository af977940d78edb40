package dev.berth.daemon;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.gc.RecentUse;
import dev.berth.common.grpc.NamespaceRegistration;
import dev.berth.common.leases.GrpcLeaseRecorder;
import dev.berth.common.store.MetadataStore;
import dev.berth.snapshots.DiffService;
import dev.berth.snapshots.SnapshotSweeperService;
import dev.berth.snapshots.SnapshotsService;
import dev.berth.snapshots.overlay.OverlaySnapshotter;
import io.grpc.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/** The overlayfs snapshotter and the Diff service that applies and computes layers. */
@Module
final class SnapshotsModule {
  private SnapshotsModule() {}

  @Provides
  @IntoMap
  @StringKey(ServiceGroups.SNAPSHOTS)
  static ServiceGroup snapshots(DaemonConfig config, MetadataStore store, EventPublisher events,
      NamespaceRegistration namespaces, Channel api) {
    try {
      OverlaySnapshotter overlay = new OverlaySnapshotter(config.root().resolve("snapshots/overlayfs"), store);
      // whatever a crash left half-removed or half-created goes before the first request
      overlay.cleanup();
      RecentUse leasedLately = new RecentUse();
      return new ServiceGroup(ServiceGroups.SNAPSHOTS, List.of(
          new SnapshotsService(Map.of(OverlaySnapshotter.NAME, overlay), new GrpcLeaseRecorder(api),
              namespaces, events, leasedLately),
          new DiffService(api, config.root().resolve("snapshots/tmp"), DiffService.DEFAULT_MAX_LAYER_BYTES),
          new SnapshotSweeperService(overlay, events, leasedLately)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
