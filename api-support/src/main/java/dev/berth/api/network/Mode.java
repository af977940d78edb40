package dev.berth.api.network;

/** How a container is connected (see berth.network.v1.Mode). */
public enum Mode {
  /** A veth on a bridge network. */
  BRIDGE,
  /** The host's network namespace. */
  HOST,
  /** A namespace of its own with only loopback. */
  NONE,
  /** Another container's namespace. */
  CONTAINER
}
