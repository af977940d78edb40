package dev.berth.api.network;

/** {@link Ipv4Pool}'s IPv6 counterpart: an IPv6 subnet, its gateway and range (null: the whole subnet). */
public record Ipv6Pool(Subnet6 subnet, Ipv6 gateway, Subnet6 ipRange) {
  /** The addresses containers are given when they ask for none: the range, or the whole subnet. */
  public Subnet6 range() {
    return ipRange != null ? ipRange : subnet;
  }
}
