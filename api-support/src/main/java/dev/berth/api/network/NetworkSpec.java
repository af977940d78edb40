package dev.berth.api.network;

import java.util.Map;

/**
 * A network to create, as asked: empty strings and 0 mean "choose", a null {@code masquerade}
 * or {@code icc} means on, an empty {@code ipRange} the whole subnet.
 * {@link NetworkManager#createNetwork} validates it.
 */
public record NetworkSpec(String name, String driver, String subnet, String gateway, String bridge, int mtu,
    Boolean masquerade, boolean internal, Map<String, String> labels, String ipRange, Boolean icc) {
  /** A network handing out addresses from its whole subnet, whose containers reach each other. */
  public NetworkSpec(String name, String driver, String subnet, String gateway, String bridge, int mtu,
      Boolean masquerade, boolean internal, Map<String, String> labels) {
    this(name, driver, subnet, gateway, bridge, mtu, masquerade, internal, labels, "", null);
  }
}
