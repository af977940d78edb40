package dev.berth.network.ports;

import dev.berth.api.Identifiers;
import dev.berth.api.InvalidValueException;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.PortSpec;
import dev.berth.api.network.IpAddress;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.PortMapping;
import dev.berth.api.network.PortMapping.Protocol;
import java.util.List;

/**
 * Port mappings from their parts or from the ports label's
 * {@code [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|/udp]} syntax.
 */
public final class PortSpecs {
  private static final Ipv6 LOOPBACK6 = Ipv6.parse("address", "::1");

  private PortSpecs() {}

  /**
   * Parses one item of the ports label ({@link PortSpec#parseLabel}, the
   * grammar the clients write it in); INVALID_ARGUMENT saying what is wrong.
   */
  public static PortMapping parse(String spec) {
    PortSpec parsed;
    try {
      parsed = PortSpec.parseLabel(spec);
    } catch (InvalidValueException e) {
      throw Errors.invalidArgument("%s", e.getMessage());
    }
    return of(parsed.hostIp(), parsed.hostPort(), parsed.containerPort(), parsed.protocol());
  }

  /**
   * A mapping from its parts: empty host IP means every address of each family the container has
   * (a null {@link PortMapping#hostIp}), empty protocol tcp. {@code ::1} is refused: the kernel
   * drops IPv6 loopback traffic that a DNAT rule sends off the host (IPv6 has no route_localnet),
   * and Berth has no userland proxy, Docker's way there.
   */
  public static PortMapping of(String hostIp, long hostPort, long containerPort, String protocol) {
    IpAddress ip = hostIp.isEmpty() ? null : IpAddress.parse("host IP", hostIp);
    if (ip instanceof Ipv6 v6 && v6.equals(LOOPBACK6)) {
      throw Errors.invalidArgument("host IP ::1 cannot be published: IPv6 loopback traffic cannot be forwarded to a"
          + " container without a userland proxy, which Berth has not; publish on 127.0.0.1, or on [::] or an"
          + " IPv6 address of the host");
    }
    if (hostPort < 0 || hostPort > 65535) {
      throw Errors.invalidArgument("host port %d is out of range 0-65535", hostPort);
    }
    if (containerPort < 1 || containerPort > 65535) {
      throw Errors.invalidArgument("container port %d is out of range 1-65535", containerPort);
    }
    return new PortMapping(ip, (int) hostPort, (int) containerPort, protocol(protocol));
  }

  /**
   * What a mapping asked for publishes on a container's interface: one with no host IP, 0.0.0.0
   * and, when the interface has IPv6, {@code ::} (Docker's pair, on one host port); one with a host
   * IP, that address's family alone. INVALID_ARGUMENT for an IPv6 host IP on an interface without
   * IPv6: Docker's userland proxy forwards such a port to the container's IPv4 address, and Berth
   * has no proxy.
   */
  public static List<PortMapping> perFamily(PortMapping asked, boolean ipv6, String network) {
    if (asked.hostIp() == null) {
      return ipv6 ? List.of(asked.withHostIp(PortMapping.ANY), asked.withHostIp(Ipv6.ANY))
          : List.of(asked.withHostIp(PortMapping.ANY));
    }
    if (asked.hostIp().isIpv6() && !ipv6) {
      throw Errors.invalidArgument("host IP %s is an IPv6 address, and the container has no IPv6 address on network"
          + " %s: publish it on an IPv4 address, or connect the container to a network created with --ipv6",
          asked.hostIp(), network);
    }
    return List.of(asked);
  }

  private static Protocol protocol(String text) {
    return switch (text) {
      case "", "tcp" -> Protocol.TCP;
      case "udp" -> Protocol.UDP;
      default -> throw Errors.invalidArgument("port mapping %s: protocol must be tcp or udp",
          Identifiers.printable(text));
    };
  }
}
