package dev.berth.api.network;

/**
 * One of a network's IPv4 address pools (an entry of Docker's IPAM.Config): a subnet, the gateway
 * the bridge carries in it, and the range containers are given addresses from, null for the whole
 * subnet.
 */
public record Ipv4Pool(Subnet subnet, Ipv4 gateway, Subnet ipRange) {
  /** The addresses containers are given when they ask for none: the range, or the whole subnet. */
  public Subnet range() {
    return ipRange != null ? ipRange : subnet;
  }
}
