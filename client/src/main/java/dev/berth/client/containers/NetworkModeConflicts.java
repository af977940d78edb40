package dev.berth.client.containers;

import dev.berth.client.InvalidParameterException;

/**
 * Docker's daemon's refusals of settings a network mode cannot have, in its words and order. It
 * makes them while it decodes the create request, so before it looks up (or its CLI pulls) the
 * image: a refused {@code run} pulls nothing.
 */
final class NetworkModeConflicts {
  private NetworkModeConflicts() {}

  static void refuse(ContainerOptions o) {
    String mode = o.network;
    if (mode.startsWith("container:")) {
      refuseJoinersOwn(o);
    }
    if (mode.equals("host") && !o.links.isEmpty()) {
      throw new InvalidParameterException("conflicting options: host type networking can't be used with links. "
          + "This would result in undefined behavior");
    }
  }

  /**
   * What a container joining another's network namespace cannot have of its own: it shares that
   * one's names, resolvers and ports.
   */
  private static void refuseJoinersOwn(ContainerOptions o) {
    if (o.hostname != null) {
      throw new InvalidParameterException("conflicting options: hostname and the network mode");
    }
    if (!o.links.isEmpty()) {
      throw new InvalidParameterException("conflicting options: container type network can't be used with links. "
          + "This would result in undefined behavior");
    }
    if (!o.dns.isEmpty()) {
      throw new InvalidParameterException("conflicting options: dns and the network mode");
    }
    if (!o.addHosts.isEmpty()) {
      throw new InvalidParameterException("conflicting options: custom host-to-IP mapping and the network mode");
    }
    if (!o.publish.isEmpty() || o.publishAll) {
      throw new InvalidParameterException("conflicting options: port publishing and the container type network mode");
    }
    if (!o.expose.isEmpty()) {
      throw new InvalidParameterException("conflicting options: port exposing and the container type network mode");
    }
  }
}
