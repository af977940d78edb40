package dev.berth.network;

import berth.events.v1.NetworkChange;
import berth.events.v1.NetworkConnection;
import dev.berth.api.network.AttachmentInfo;
import dev.berth.api.network.NetworkInfo;
import dev.berth.common.events.EventPublisher;

/**
 * What the network services announce, in the caller's namespace: networks made and removed,
 * containers connected and disconnected (Docker's network events; containerd has none).
 */
final class NetworkEvents {
  private final EventPublisher events;

  NetworkEvents(EventPublisher events) {
    this.events = events;
  }

  void created(String namespace, NetworkInfo n) {
    events.publish(namespace, "/networks/create", change(n));
  }

  void deleted(String namespace, NetworkInfo n) {
    events.publish(namespace, "/networks/delete", change(n));
  }

  void connected(AttachmentInfo a, NetworkInfo n) {
    events.publish(a.namespace(), "/networks/connect", connection(a, n));
  }

  void disconnected(AttachmentInfo a, NetworkInfo n) {
    events.publish(a.namespace(), "/networks/disconnect", connection(a, n));
  }

  private static NetworkChange change(NetworkInfo n) {
    return NetworkChange.newBuilder().setId(n.id()).setName(n.name()).setDriver(n.driver()).build();
  }

  private static NetworkConnection connection(AttachmentInfo a, NetworkInfo n) {
    return NetworkConnection.newBuilder().setId(n.id()).setName(n.name()).setDriver(n.driver())
        .setContainerId(a.containerId()).build();
  }
}
