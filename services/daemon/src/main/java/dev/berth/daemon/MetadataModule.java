package dev.berth.daemon;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.berth.common.gc.GrpcGarbageCollectionRequests;
import dev.berth.common.store.MetadataStore;
import dev.berth.metadata.MetadataServices;
import dev.berth.metadata.namespaces.GrpcUsage;
import io.grpc.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** Namespaces, Images, Leases, Events, Version and Introspection. */
@Module
final class MetadataModule {
  private MetadataModule() {}

  @Provides
  @IntoMap
  @StringKey(ServiceGroups.METADATA)
  static ServiceGroup metadata(DaemonConfig config, MetadataStore store, Channel api) {
    try {
      MetadataServices services = new MetadataServices(config.root(), store,
          List.of(GrpcUsage.content(api), GrpcUsage.snapshots(api, "overlayfs"), GrpcUsage.containers(api), GrpcUsage.volumes(api)), () -> ServiceGroups.plugins(config.root(), config.state()),
          new GrpcGarbageCollectionRequests(api));
      return new ServiceGroup(ServiceGroups.METADATA, services.services());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
