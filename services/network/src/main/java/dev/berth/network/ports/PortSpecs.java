package dev.berth.network.ports;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;
import dev.berth.api.network.PortMapping;
import dev.berth.api.network.PortMapping.Protocol;
import dev.berth.api.network.Ipv4;

/** Port mappings from their parts or from the {@code [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|/udp]} syntax. */
public final class PortSpecs {
  private PortSpecs() {}

  /** Parses one spec; INVALID_ARGUMENT saying what is wrong. */
  public static PortMapping parse(String spec) {
    String rest = spec.strip();
    Protocol protocol = Protocol.TCP;
    int slash = rest.lastIndexOf('/');
    if (slash >= 0) {
      String suffix = rest.substring(slash + 1);
      if (suffix.isEmpty()) {
        throw Errors.invalidArgument("port mapping %s: protocol missing after '/'", Identifiers.printable(spec));
      }
      protocol = protocol(suffix, spec);
      rest = rest.substring(0, slash);
    }
    String[] parts = rest.split(":", -1);
    if (parts.length < 2 || parts.length > 3) {
      throw Errors.invalidArgument("port mapping %s: expected [HOST_IP:]HOST_PORT:CONTAINER_PORT[/tcp|/udp]",
          Identifiers.printable(spec));
    }
    String hostIp = parts.length == 3 ? parts[0] : "";
    String hostPort = parts[parts.length - 2];
    String containerPort = parts[parts.length - 1];
    return of(hostIp, number(hostPort, "host port", spec), number(containerPort, "container port", spec),
        protocol.lowerCase());
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
    return new PortMapping(ip, (int) hostPort, (int) containerPort, protocol(protocol, protocol));
  }

  private static Protocol protocol(String text, String spec) {
    return switch (text) {
      case "", "tcp" -> Protocol.TCP;
      case "udp" -> Protocol.UDP;
      default -> throw Errors.invalidArgument("port mapping %s: protocol must be tcp or udp",
          Identifiers.printable(spec));
    };
  }

  private static long number(String text, String what, String spec) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
      throw Errors.invalidArgument("port mapping %s: %s %s is not a number",
          Identifiers.printable(spec), what, Identifiers.printable(text));
    }
    return Long.parseLong(text);
  }
}
