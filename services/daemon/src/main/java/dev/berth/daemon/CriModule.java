package dev.berth.daemon;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.berth.cri.CriServices;
import dev.berth.cri.streaming.StreamingServer;
import io.grpc.Channel;

/** Kubernetes' CRI, a layer over the other groups' APIs, with its streaming server for exec, attach and port-forward. */
@Module
final class CriModule {
  private CriModule() {}

  @Provides
  @IntoMap
  @StringKey(ServiceGroups.CRI)
  static ServiceGroup cri(Channel api, DaemonConfig config) {
    StreamingServer streaming = CriServices.streamingServer(config.criStreaming(), api);
    CriServices cri = CriServices.over(api, config.state().resolve("cri"), streaming);
    return new ServiceGroup(ServiceGroups.CRI, cri.services(), new ServiceGroup.Background(cri::start, cri::close),
        streaming);
  }
}
