package dev.berth.network.ports;

import dev.berth.api.Identifiers;
import dev.berth.api.InvalidValueException;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.PortSpec;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.PortMapping;
import dev.berth.api.network.PortMapping.Protocol;

/**
 * Port mappings from their parts or from the ports label's
 * {@code [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|/udp]} syntax.
 */
public final class PortSpecs {
  private PortSpecs() {}

  /**
   * Parses one item of the ports label ({@link PortSpec#parseLabel}, the
   * grammar the clients write it in); INVALID_ARGUMENT saying what is wrong, also for a host
   * address that is not IPv4, the only family published here.
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

  /** A mapping from its parts: empty host IP means all addresses, empty protocol tcp. */
  public static PortMapping of(String hostIp, long hostPort, long containerPort, String protocol) {
    Ipv4 ip = hostIp.isEmpty() ? PortMapping.ANY : Ipv4.parse("host IP", hostIp);
    if (hostPort < 0 || hostPort > 65535) {
      throw Errors.invalidArgument("host port %d is out of range 0-65535", hostPort);
    }
    if (containerPort < 1 || containerPort > 65535) {
      throw Errors.invalidArgument("container port %d is out of range 1-65535", containerPort);
    }
    return new PortMapping(ip, (int) hostPort, (int) containerPort, protocol(protocol));
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
