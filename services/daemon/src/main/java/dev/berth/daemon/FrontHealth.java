package dev.berth.daemon;

import dev.berth.common.grpc.UnixSocketServer;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The health service of a front socket whose groups run in other processes: each service it
 * forwards is SERVING while the socket of its group connects, NOT_SERVING while it does not, so
 * {@code grpc_health_probe -service=containerd.services.tasks.v1.Tasks} asks about the group
 * behind that service. A name no group serves is NOT_FOUND, as gRPC's health service answers.
 */
final class FrontHealth {
  private FrontHealth() {}

  /** Keeps {@code front}'s health service following the state of each group's channel. */
  static void follow(RoutingChannel groups, UnixSocketServer front) {
    Map<ManagedChannel, List<String>> servicesByChannel = groups.routes().entrySet().stream()
        .collect(Collectors.groupingBy(e -> e.getValue().channel(),
            Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
    servicesByChannel.forEach((channel, services) -> {
      services.forEach(s -> front.setHealth(s, ServingStatus.NOT_SERVING));
      watch(channel, services, front);
    });
  }

  /**
   * Connects {@code channel} (an idle one would not until a call came) and sets its services'
   * status at each change of state. IDLE and CONNECTING say nothing yet: the previous status stays
   * until the connect succeeds or fails.
   */
  private static void watch(ManagedChannel channel, List<String> services, UnixSocketServer front) {
    ConnectivityState now = channel.getState(true);
    if (now == ConnectivityState.READY) {
      services.forEach(s -> front.setHealth(s, ServingStatus.SERVING));
    } else if (now == ConnectivityState.TRANSIENT_FAILURE || now == ConnectivityState.SHUTDOWN) {
      services.forEach(s -> front.setHealth(s, ServingStatus.NOT_SERVING));
    }
    if (now != ConnectivityState.SHUTDOWN) {
      channel.notifyWhenStateChanged(now, () -> watch(channel, services, front));
    }
  }
}
