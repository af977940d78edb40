package dev.berth.api.network;

import java.util.List;
import java.util.Map;

/**
 * A network to create, as asked: empty strings and 0 mean "choose", a null {@code masquerade}
 * or {@code icc} means on, an empty {@code ipRange} the whole subnet. With {@code ipv6} the network
 * also has an IPv6 subnet, {@code subnet6} (empty: a unique local /64) with {@code gateway6} (empty:
 * its first address) and {@code ipRange6} (empty: the whole IPv6 subnet). {@code auxAddresses} are
 * addresses of any subnet, by name, that no container is given. {@code morePools} are the pools
 * after the first of each family (IPv6 ones only with {@code ipv6}), each with a subnet.
 * {@code ipamOptions} are Docker's {@code --ipam-opt}, kept as given.
 * {@link NetworkManager#createNetwork} validates it.
 */
public record NetworkSpec(String name, String driver, String subnet, String gateway, String bridge, int mtu,
    Boolean masquerade, boolean internal, Map<String, String> labels, String ipRange, Boolean icc, boolean ipv6,
    String subnet6, String gateway6, String ipRange6, Map<String, String> auxAddresses, List<PoolSpec> morePools,
    Map<String, String> ipamOptions) {

  /**
   * A pool to create, of either family, as asked: {@code subnet} given, an empty {@code gateway}
   * the first address of the range (of the subnet without one), an empty {@code ipRange} the whole subnet.
   */
  public record PoolSpec(String subnet, String gateway, String ipRange) {}

  public NetworkSpec {
    morePools = List.copyOf(morePools);
    ipamOptions = Map.copyOf(ipamOptions);
  }

  /** A network without IPAM options. */
  public NetworkSpec(String name, String driver, String subnet, String gateway, String bridge, int mtu,
      Boolean masquerade, boolean internal, Map<String, String> labels, String ipRange, Boolean icc, boolean ipv6,
      String subnet6, String gateway6, String ipRange6, Map<String, String> auxAddresses, List<PoolSpec> morePools) {
    this(name, driver, subnet, gateway, bridge, mtu, masquerade, internal, labels, ipRange, icc, ipv6, subnet6,
        gateway6, ipRange6, auxAddresses, morePools, Map.of());
  }

  /** A network with one subnet of each family. */
  public NetworkSpec(String name, String driver, String subnet, String gateway, String bridge, int mtu,
      Boolean masquerade, boolean internal, Map<String, String> labels, String ipRange, Boolean icc, boolean ipv6,
      String subnet6, String gateway6, String ipRange6, Map<String, String> auxAddresses) {
    this(name, driver, subnet, gateway, bridge, mtu, masquerade, internal, labels, ipRange, icc, ipv6, subnet6,
        gateway6, ipRange6, auxAddresses, List.of());
  }

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
