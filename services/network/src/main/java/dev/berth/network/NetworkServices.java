package dev.berth.network;

import dev.berth.api.network.NetworkManager;
import dev.berth.common.events.EventPublisher;
import io.grpc.BindableService;
import java.util.List;

/** The gRPC services of berth.network.v1 over one manager, for the daemon to serve. */
public final class NetworkServices {
  private NetworkServices() {}

  /** @param events where what they change is announced */
  public static List<BindableService> of(NetworkManager manager, EventPublisher events) {
    NetworkEvents announced = new NetworkEvents(events);
    return List.of(new NetworksService(manager, announced), new AttachmentsService(manager, announced));
  }
}
