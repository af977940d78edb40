package dev.berth.api.network;

/** A container interface's IPv6 side on a network with IPv6: its address, the subnet and the gateway. */
public record Ipv6Interface(Ipv6 ip, Subnet6 subnet, Ipv6 gateway) {}
