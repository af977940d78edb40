package dev.berth.daemon;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.berth.transfer.RegistryTransfers;
import dev.berth.transfer.TransferService;
import io.grpc.Channel;
import java.util.List;

/** Pulls and pushes of images from and to registries, through the other groups' APIs. */
@Module
final class TransferModule {
  private TransferModule() {}

  @Provides
  @IntoMap
  @StringKey(ServiceGroups.TRANSFER)
  static ServiceGroup transfer(DaemonConfig config, Channel api) {
    return new ServiceGroup(ServiceGroups.TRANSFER,
        List.of(new TransferService(new RegistryTransfers(api, config.registryConfig()))));
  }
}
