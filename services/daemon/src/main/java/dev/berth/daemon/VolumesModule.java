package dev.berth.daemon;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.grpc.NamespaceRegistration;
import dev.berth.common.store.MetadataStore;
import dev.berth.volumes.VolumeStore;
import dev.berth.volumes.VolumesService;
import io.grpc.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Named volumes under the root. */
@Module
final class VolumesModule {
  private VolumesModule() {}

  @Provides
  @IntoMap
  @StringKey(ServiceGroups.VOLUMES)
  static ServiceGroup volumes(DaemonConfig config, MetadataStore store, NamespaceRegistration namespaces,
      Channel api, EventPublisher events) {
    try {
      return new ServiceGroup(ServiceGroups.VOLUMES,
          List.of(new VolumesService(new VolumeStore(config.root(), store, api, namespaces), events)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
