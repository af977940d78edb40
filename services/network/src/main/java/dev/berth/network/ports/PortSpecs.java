package dev.berth.network.ports;

import dev.berth.api.Identifiers;
import dev.berth.api.InvalidValueException;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.PortSpec;
import dev.berth.api.network.IpAddress;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.PortMapping;
import dev.berth.api.network.PortMapping.Protocol;
import java.util.Arrays;
import java.util.List;

/**
 * Port mappings from their parts or from the ports label's
 * {@code [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|/udp]} syntax.
 */
public final class PortSpecs {
  private static final Ipv6 LOOPBACK6 = Ipv6.parse("address", "::1");
  private static final Ipv4 BROADCAST4 = Ipv4.parse("address", "255.255.255.255");
  private static final byte[] V4_MAPPED_PREFIX = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff};

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
   * (a null {@link PortMapping#hostIp}), an IPv4-mapped IPv6 one its IPv4 address, empty protocol
   * tcp. A host IP no DNAT rule can publish on is refused ({@link #publishable}).
   */
  public static PortMapping of(String hostIp, long hostPort, long containerPort, String protocol) {
    IpAddress ip = hostIp.isEmpty() ? null : publishable(unmapped(IpAddress.parse("host IP", hostIp)));
    if (hostPort < 0 || hostPort > 65535) {
      throw Errors.invalidArgument("host port %d is out of range 0-65535", hostPort);
    }
    if (containerPort < 1 || containerPort > 65535) {
      throw Errors.invalidArgument("container port %d is out of range 1-65535", containerPort);
    }
    return new PortMapping(ip, (int) hostPort, (int) containerPort, protocol(protocol));
  }

  /** {@code ::ffff:a.b.c.d} is the IPv4 address a.b.c.d, as Docker's daemon takes it. */
  private static IpAddress unmapped(IpAddress ip) {
    byte[] b = ip.bytes();
    if (!(ip instanceof Ipv6) || !Arrays.equals(Arrays.copyOf(b, 12), V4_MAPPED_PREFIX)) {
      return ip;
    }
    return Ipv4.of(Arrays.copyOfRange(b, 12, 16));
  }

  /**
   * The host IP, unless no DNAT rule can publish on it: {@code ::1} (the kernel drops IPv6 loopback
   * traffic that a DNAT rule sends off the host, as IPv6 has no route_localnet, and Berth has no
   * userland proxy, Docker's way there), a link-local IPv6 address (it needs an interface, which a
   * mapping does not name: bind(2) refuses it) and a multicast or broadcast address (no host's own).
   */
  private static IpAddress publishable(IpAddress ip) {
    byte[] b = ip.bytes();
    if (ip.equals(LOOPBACK6)) {
      throw Errors.invalidArgument("host IP ::1 cannot be published: IPv6 loopback traffic cannot be forwarded to a"
          + " container without a userland proxy, which Berth has not; publish on 127.0.0.1, or on [::] or an"
          + " IPv6 address of the host");
    }
    if (ip instanceof Ipv6 && (b[0] & 0xff) == 0xfe && (b[1] & 0xc0) == 0x80) {
      throw Errors.invalidArgument("host IP %s cannot be published: a link-local address belongs to one interface,"
          + " which a port mapping cannot name; publish on [::] or a global IPv6 address of the host", ip);
    }
    boolean multicast = ip instanceof Ipv6 ? (b[0] & 0xff) == 0xff : (b[0] & 0xf0) == 0xe0;
    if (multicast || ip.equals(BROADCAST4)) {
      throw Errors.invalidArgument("host IP %s cannot be published: it is a %s address, not one of this host's;"
          + " publish on 0.0.0.0, [::] or an address of the host", ip, multicast ? "multicast" : "broadcast");
    }
    return ip;
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
