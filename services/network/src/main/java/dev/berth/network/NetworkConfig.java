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
 * @param fallbackDns resolvers for containers when the host has only loopback ones
 */
public record NetworkConfig(Path hostNetns, String defaultBridge, Path hostResolvConf, List<String> fallbackDns) {
  public static NetworkConfig defaults() {
    return new NetworkConfig(null, "berth0", Path.of("/etc/resolv.conf"), List.of("8.8.8.8", "8.8.4.4"));
  }

  public NetworkConfig withHostNetns(Path netns) {
    return new NetworkConfig(netns, defaultBridge, hostResolvConf, fallbackDns);
  }

  public NetworkConfig withDefaultBridge(String bridge) {
    return new NetworkConfig(hostNetns, bridge, hostResolvConf, fallbackDns);
  }

  public NetworkConfig withHostResolvConf(Path file) {
    return new NetworkConfig(hostNetns, defaultBridge, file, fallbackDns);
  }
}
