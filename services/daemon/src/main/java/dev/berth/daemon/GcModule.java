package dev.berth.daemon;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.berth.gc.GarbageCollection;
import dev.berth.gc.GcSettings;
import dev.berth.snapshots.overlay.OverlaySnapshotter;
import io.grpc.Channel;
import java.util.Set;

/** The garbage collector: reads and removes through the other groups' APIs, so it starts last. */
@Module
final class GcModule {
  private GcModule() {}

  @Provides
  @IntoMap
  @StringKey(ServiceGroups.GC)
  static ServiceGroup gc(DaemonConfig config, Channel api) {
    GarbageCollection gc = new GarbageCollection(api,
        GcSettings.defaults(Set.of(OverlaySnapshotter.NAME)).withIngestExpiry(config.ingestExpiry()));
    return new ServiceGroup(ServiceGroups.GC, gc.services(), new ServiceGroup.Background(gc::start, gc::close), () -> {});
  }
}
