package dev.berth.api.network;

import dev.berth.api.Digests;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Locale;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A container's connection to a network, as stored. {@code ip}, {@code subnet},
 * {@code gateway}, {@code mac} and {@code interfaceName} describe the container's interface
 * (BRIDGE mode, and CONTAINER mode where they are those of the container whose namespace is
 * shared); they are null or empty otherwise. {@code defaultRoute}: the container's default
 * route goes through this interface (see {@link #takesDefaultRoute}). {@code netns} is empty in
 * HOST mode, whose namespace is the daemon's. {@code domainname} is empty for none; with one,
 * the container's own /etc/hosts entry is its FQDN and hostname. {@code ipv6} is the interface's
 * IPv6 side on a network with IPv6 (as {@code ip}, shared in CONTAINER mode), null otherwise.
 * {@code linkLocalIps} are the interface's further addresses asked for (Docker's
 * {@code --link-local-ip}), as asked, shared likewise; none otherwise.
 */
public record AttachmentInfo(String namespace, String containerId, String network, Mode mode,
    String netns, boolean netnsPinned, String interfaceName, String hostInterface, String hostMac,
    Ipv4 ip, Subnet subnet, Ipv4 gateway, boolean defaultRoute, String mac, String hostname, String domainname,
    List<String> aliases, List<PortMapping> ports, Dns dns, List<HostEntry> extraHosts, Path filesDirectory,
    Map<String, String> labels, Instant createdAt, Ipv6Interface ipv6, List<IpAddress> linkLocalIps) {

  public AttachmentInfo {
    linkLocalIps = List.copyOf(linkLocalIps);
  }

  /** An attachment without IPv6 nor link-local addresses. */
  public AttachmentInfo(String namespace, String containerId, String network, Mode mode,
      String netns, boolean netnsPinned, String interfaceName, String hostInterface, String hostMac,
      Ipv4 ip, Subnet subnet, Ipv4 gateway, boolean defaultRoute, String mac, String hostname, String domainname,
      List<String> aliases, List<PortMapping> ports, Dns dns, List<HostEntry> extraHosts, Path filesDirectory,
      Map<String, String> labels, Instant createdAt) {
    this(namespace, containerId, network, mode, netns, netnsPinned, interfaceName, hostInterface, hostMac, ip, subnet,
        gateway, defaultRoute, mac, hostname, domainname, aliases, ports, dns, extraHosts, filesDirectory, labels,
        createdAt, null, List.of());
  }

  /**
   * Whether a container's new interface on {@code network} carries its default route, given the
   * container's {@code existing} attachments: when it is not internal and no other does. An
   * internal network leads nowhere off its subnet, so its interface has only the subnet's route
   * (else the host's other addresses are reachable through the gateway), and a normal network
   * attached after one still routes the container. Which network keeps the route once the
   * container has several is {@link GatewayElection}'s to say.
   */
  public static boolean takesDefaultRoute(NetworkInfo network, List<AttachmentInfo> existing) {
    return !network.internal() && existing.stream().noneMatch(AttachmentInfo::defaultRoute);
  }

  /**
   * Docker's EndpointID of this attachment: derived from what identifies it rather than stored,
   * so it stays the same at every look and across restarts of berthd; empty in CONTAINER mode,
   * where the container has no endpoint of its own.
   */
  public String endpointId() {
    return mode == Mode.CONTAINER ? "" : hexSha256(namespace + "/" + containerId + "/" + network);
  }

  /** Docker's SandboxID, the container's network namespace: one for all its attachments, as {@link #endpointId}. */
  public String sandboxId() {
    return mode == Mode.CONTAINER ? "" : hexSha256(namespace + "/" + containerId);
  }

  private static String hexSha256(String text) {
    return Digests.sha256(text.getBytes(StandardCharsets.UTF_8)).substring(Digests.SHA256_PREFIX.length());
  }

  public ContainerFilePaths files() {
    return ContainerFilePaths.in(filesDirectory);
  }

  public boolean hasAddress() {
    return ip != null;
  }

  public AttachmentInfo withPorts(List<PortMapping> newPorts) {
    return new AttachmentInfo(namespace, containerId, network, mode, netns, netnsPinned, interfaceName,
        hostInterface, hostMac, ip, subnet, gateway, defaultRoute, mac, hostname, domainname, aliases,
        List.copyOf(newPorts), dns, extraHosts, filesDirectory, labels, createdAt, ipv6, linkLocalIps);
  }

  /**
   * As the container's gateway attachment ({@code isGateway}: its default routes go through it)
   * or not, with {@code newPorts} published on it.
   */
  public AttachmentInfo withGateway(boolean isGateway, List<PortMapping> newPorts) {
    return new AttachmentInfo(namespace, containerId, network, mode, netns, netnsPinned, interfaceName,
        hostInterface, hostMac, ip, subnet, gateway, isGateway, mac, hostname, domainname, aliases,
        List.copyOf(newPorts), dns, extraHosts, filesDirectory, labels, createdAt, ipv6, linkLocalIps);
  }

  public AttachmentInfo withNetns(String path) {
    return new AttachmentInfo(namespace, containerId, network, mode, path, netnsPinned, interfaceName,
        hostInterface, hostMac, ip, subnet, gateway, defaultRoute, mac, hostname, domainname, aliases, ports, dns,
        extraHosts, filesDirectory, labels, createdAt, ipv6, linkLocalIps);
  }

  /** With {@code newName} in place of {@code oldName} among the aliases, each name once. */
  public AttachmentInfo renamed(String oldName, String newName) {
    Set<String> renamed = new LinkedHashSet<>();
    aliases.forEach(a -> renamed.add(a.equals(oldName) ? newName : a));
    return new AttachmentInfo(namespace, containerId, network, mode, netns, netnsPinned, interfaceName,
        hostInterface, hostMac, ip, subnet, gateway, defaultRoute, mac, hostname, domainname, List.copyOf(renamed),
        ports, dns, extraHosts, filesDirectory, labels, createdAt, ipv6, linkLocalIps);
  }

  /** The value of a filter field (container_id, network, mode, netns_path, ip, labels.&lt;key&gt;). */
  public Optional<String> field(List<String> path) {
    return switch (path.get(0)) {
      case "container_id", "container" -> Optional.of(containerId);
      case "network" -> Optional.of(network);
      case "mode" -> Optional.of(mode.name().toLowerCase(Locale.ROOT));
      case "netns_path" -> Optional.of(netns);
      case "ip" -> Optional.ofNullable(ip).map(Ipv4::toString);
      case "labels" -> path.size() < 2 ? Optional.empty() : Optional.ofNullable(labels.get(path.get(1)));
      default -> Optional.empty();
    };
  }
}
