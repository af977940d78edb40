package dev.berth.daemon;

import dagger.Module;
import dagger.Provides;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.events.GrpcEventPublisher;
import dev.berth.common.grpc.NamespaceRegistration;
import dev.berth.common.store.MetadataStore;
import io.grpc.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.inject.Singleton;

/** What every service group shares: the metadata store and the cross-service clients. */
@Module
final class CommonModule {
  private CommonModule() {}

  @Provides
  @Singleton
  static MetadataStore metadataStore(DaemonConfig config) {
    try {
      return MetadataStore.open(config.metadataDatabase());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Provides
  @Singleton
  static GrpcEventPublisher grpcEventPublisher(Channel api) {
    return new GrpcEventPublisher(api);
  }

  @Provides
  static EventPublisher eventPublisher(GrpcEventPublisher events) {
    return events;
  }

  @Provides
  @Singleton
  static NamespaceRegistration namespaceRegistration(Channel api) {
    return new NamespaceRegistration(api);
  }
}
