package dev.berth.network;

import java.nio.file.Path;
import java.util.List;

/**
 * Settings of the network service.
 *
 * @param hostNetns the network namespace that counts as "the host" (bridges, NAT rules, published
 *     ports, forwarding); null for the daemon's own. Tests point it at a namespace of their own.
 * @param defaultBridge device name of the default network's bridge, used when it is first created
 * @param hostResolvConf the host's resolver configuration, copied into containers
 * @param fallbackDns resolvers for containers when the host has none they can reach (only loopback ones)
 * @param fallbackDns6 more of them for a container on a network with IPv6, as Docker's daemon adds
 */
public record NetworkConfig(Path hostNetns, String defaultBridge, Path hostResolvConf, List<String> fallbackDns,
    List<String> fallbackDns6) {
  /** Docker 27's defaults: Google's public servers. */
  public static NetworkConfig defaults() {
    return new NetworkConfig(null, "berth0", Path.of("/etc/resolv.conf"), List.of("8.8.8.8", "8.8.4.4"),
        List.of("2001:4860:4860::8888", "2001:4860:4860::8844"));
  }

  public NetworkConfig withHostNetns(Path netns) {
    return new NetworkConfig(netns, defaultBridge, hostResolvConf, fallbackDns, fallbackDns6);
  }

  public NetworkConfig withDefaultBridge(String bridge) {
    return new NetworkConfig(hostNetns, bridge, hostResolvConf, fallbackDns, fallbackDns6);
  }

  public NetworkConfig withHostResolvConf(Path file) {
    return new NetworkConfig(hostNetns, defaultBridge, file, fallbackDns, fallbackDns6);
  }
}
