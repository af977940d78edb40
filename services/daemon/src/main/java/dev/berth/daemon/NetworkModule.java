package dev.berth.daemon;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.store.MetadataStore;
import dev.berth.network.KernelNetworkManager;
import dev.berth.network.NetworkConfig;
import dev.berth.network.NetworkServices;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Bridges, attachments, NAT and port mapping in the daemon's own network namespace. */
@Module
final class NetworkModule {
  private NetworkModule() {}

  @Provides
  @IntoMap
  @StringKey(ServiceGroups.NETWORK)
  static ServiceGroup network(DaemonConfig config, MetadataStore store, EventPublisher events) {
    try {
      KernelNetworkManager network = KernelNetworkManager.open(config.state(), store,
          NetworkConfig.defaults().withHostNetns(config.networkNamespace()));
      return new ServiceGroup(ServiceGroups.NETWORK, NetworkServices.of(network, events), network::close);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
