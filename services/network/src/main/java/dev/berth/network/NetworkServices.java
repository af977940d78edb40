package dev.berth.network;

import dev.berth.api.network.NetworkManager;
import io.grpc.BindableService;
import java.util.List;

/** The gRPC services of berth.network.v1 over one manager, for the daemon to serve. */
public final class NetworkServices {
  private NetworkServices() {}

  public static List<BindableService> of(NetworkManager manager) {
    return List.of(new NetworksService(manager), new AttachmentsService(manager));
  }
}
