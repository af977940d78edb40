package dev.berth.daemon;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.berth.cri.CriServices;
import io.grpc.Channel;

/** Kubernetes' CRI, a layer over the other groups' APIs. */
@Module
final class CriModule {
  private CriModule() {}

  @Provides
  @IntoMap
  @StringKey(ServiceGroups.CRI)
  static ServiceGroup cri(DaemonConfig config, Channel api) {
    return new ServiceGroup(ServiceGroups.CRI, CriServices.over(api, config.state().resolve("cri")));
  }
}
