package dev.berth.api.network;

import java.util.List;
import java.util.Map;

/**
 * An attachment as asked, ports already parsed; empty strings mean "choose" ({@code mac}: 02:42 and
 * the IPv4 address's bytes, {@link MacAddress#of}; {@code domainname}: none; {@code ip6}: the next free IPv6 address on a
 * network with IPv6); {@code linkLocalIps} are more addresses of the interface (Docker's
 * {@code --link-local-ip}). {@code resolvConfStyle}: who the container's own resolv.conf is
 * written as, Docker's daemon or containerd's CRI. {@link NetworkManager#attach} validates the rest.
 */
public record AttachSpec(String containerId, String network, String netnsPath, String interfaceName,
    String ip, String mac, List<PortMapping> ports, String hostname, String domainname, List<String> aliases,
    Dns dns, List<String> extraHosts, Map<String, String> labels, String ip6, List<String> linkLocalIps,
    ResolvConfStyle resolvConfStyle) {
  /** How a container's own /etc/resolv.conf is written. */
  public enum ResolvConfStyle {
    /** As Docker 27's daemon: the asked fields, the host's in place of those not asked, and comments. */
    DOCKER,
    /**
     * As containerd 1.7's CRI for a pod with a DNSConfig: the asked search, nameserver and options
     * lines alone, nothing from the host's file; on any network.
     */
    CONTAINERD,
    /**
     * As containerd 1.7's CRI for a pod without a DNSConfig: the host's file copied as it is; on any
     * network. Nothing may be asked (INVALID_ARGUMENT).
     */
    HOST_COPY
  }

  /** An attachment whose resolv.conf is written as Docker's daemon writes it. */
  public AttachSpec(String containerId, String network, String netnsPath, String interfaceName,
      String ip, String mac, List<PortMapping> ports, String hostname, String domainname, List<String> aliases,
      Dns dns, List<String> extraHosts, Map<String, String> labels, String ip6, List<String> linkLocalIps) {
    this(containerId, network, netnsPath, interfaceName, ip, mac, ports, hostname, domainname, aliases, dns,
        extraHosts, labels, ip6, linkLocalIps, ResolvConfStyle.DOCKER);
  }

  /** An attachment asking for no IPv6 address of its own. */
  public AttachSpec(String containerId, String network, String netnsPath, String interfaceName,
      String ip, String mac, List<PortMapping> ports, String hostname, String domainname, List<String> aliases,
      Dns dns, List<String> extraHosts, Map<String, String> labels) {
    this(containerId, network, netnsPath, interfaceName, ip, mac, ports, hostname, domainname, aliases, dns,
        extraHosts, labels, "", List.of());
  }
}
