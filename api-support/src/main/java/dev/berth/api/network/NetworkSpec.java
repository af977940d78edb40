package dev.berth.api.network;

import java.util.Map;

/**
 * A network to create, as asked: empty strings and 0 mean "choose", a null {@code masquerade}
 * or {@code icc} means on, an empty {@code ipRange} the whole subnet. With {@code ipv6} the network
 * also has an IPv6 subnet, {@code subnet6} (empty: a unique local /64) with {@code gateway6} (empty:
 * its first address) and {@code ipRange6} (empty: the whole IPv6 subnet). {@code auxAddresses} are
 * addresses of either subnet, by name, that no container is given.
 * {@link NetworkManager#createNetwork} validates it.
 */
public record NetworkSpec(String name, String driver, String subnet, String gateway, String bridge, int mtu,
    Boolean masquerade, boolean internal, Map<String, String> labels, String ipRange, Boolean icc, boolean ipv6,
    String subnet6, String gateway6, String ipRange6, Map<String, String> auxAddresses) {
  /** A network without IPv6. */
  public NetworkSpec(String name, String driver, String subnet, String gateway, String bridge, int mtu,
      Boolean masquerade, boolean internal, Map<String, String> labels, String ipRange, Boolean icc) {
    this(name, driver, subnet, gateway, bridge, mtu, masquerade, internal, labels, ipRange, icc, false, "", "", "",
        Map.of());
  }

  /** A network handing out addresses from its whole subnet, whose containers reach each other. */
  public NetworkSpec(String name, String driver, String subnet, String gateway, String bridge, int mtu,
      Boolean masquerade, boolean internal, Map<String, String> labels) {
    this(name, driver, subnet, gateway, bridge, mtu, masquerade, internal, labels, "", null);
  }
}
