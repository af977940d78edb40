package dev.berth.api.labels;

import dev.berth.api.InvalidValueException;
import dev.berth.api.network.Ipv6;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A port to publish, from Docker's {@code -p}: {@code [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]}
 * ({@code 8080:80}, {@code 127.0.0.1:8080:80/udp}, {@code [::1]:8080:80}, {@code 80}). An empty
 * host IP means every address; host port 0 means one the host picks. {@link #parseRange} also takes
 * Docker's port ranges ({@code 8080-8081:80-81}, {@code 80-81}), a mapping each.
 * The {@link ContainerLabels#PORTS} label carries each mapping in its {@link #labelValue() label
 * form}, the same syntax with the host port always written. This is the mapping as a client
 * writes it; the network service turns it into a {@link dev.berth.api.network.PortMapping}, the
 * mapping it publishes.
 */
public record PortSpec(String hostIp, int hostPort, int containerPort, String protocol) {
  public static final String TCP = "tcp";
  public static final String UDP = "udp";

  /** Docker's {@code -p} syntax; InvalidValueException saying what is wrong. */
  public static PortSpec parse(String text) {
    return parse(text, false);
  }

  /**
   * One item of the {@link ContainerLabels#PORTS} label, surrounding blanks ignored:
   * {@code [HOST_IP:]HOST_PORT:CONTAINER_PORT[/PROTOCOL]}, the host port written (0 for any).
   */
  public static PortSpec parseLabel(String text) {
    return parse(text.strip(), true);
  }

  /**
   * Docker's {@code -p} syntax with port ranges: {@code 8080-8081:80-81} maps 8080 to 80 and 8081
   * to 81, {@code 80-81} each container port to one the host picks. A host range needs a
   * container range of its length (Docker's choice of one free host port of a range for one
   * container port is not offered).
   */
  public static List<PortSpec> parseRange(String text) {
    Parts p = split(text, false);
    int[] container = range(text, p.containerPort(), 1);
    int[] host = p.hostPort().isEmpty() ? new int[] {0, 0} : range(text, p.hostPort(), 0);
    int count = container[1] - container[0] + 1;
    if (!p.hostPort().isEmpty() && host[1] - host[0] + 1 != count) {
      throw InvalidValueException.of("port mapping", text, "the host and container port ranges differ in length");
    }
    if (host[0] == 0 && host[1] > 0) {
      throw InvalidValueException.of("port mapping", text, "\"0\" cannot start a host port range");
    }
    List<PortSpec> specs = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      specs.add(new PortSpec(p.hostIp(), host[0] == 0 ? 0 : host[0] + i, container[0] + i, p.protocol()));
    }
    return specs;
  }

  /** FIRST-LAST or one port (as FIRST-FIRST), ascending. */
  private static int[] range(String text, String ports, int min) {
    int dash = ports.indexOf('-');
    if (dash <= 0) {
      int port = port(text, ports, min);
      return new int[] {port, port};
    }
    int first = port(text, ports.substring(0, dash), min);
    int last = port(text, ports.substring(dash + 1), min);
    if (last < first) {
      throw InvalidValueException.of("port mapping", text, "the range " + ports + " does not ascend");
    }
    return new int[] {first, last};
  }

  /** The pieces of a mapping, its ports as written. */
  private record Parts(String hostIp, String hostPort, String containerPort, String protocol) {}

  private static PortSpec parse(String text, boolean labelForm) {
    Parts p = split(text, labelForm);
    return new PortSpec(p.hostIp(), p.hostPort().isEmpty() ? 0 : port(text, p.hostPort(), 0),
        port(text, p.containerPort(), 1), p.protocol());
  }

  private static Parts split(String text, boolean labelForm) {
    String rest = text;
    String protocol = TCP;
    int slash = rest.lastIndexOf('/');
    if (slash >= 0) {
      protocol = rest.substring(slash + 1).toLowerCase(Locale.ROOT);
      if (!protocol.equals(TCP) && !protocol.equals(UDP)) {
        throw InvalidValueException.of("port mapping", text, "unknown protocol \"" + rest.substring(slash + 1)
            + "\" (tcp or udp)");
      }
      rest = rest.substring(0, slash);
    }
    String hostIp = "";
    if (rest.startsWith("[")) {
      int close = rest.indexOf("]:");
      if (close < 0) {
        throw InvalidValueException.of("port mapping", text, "a bracketed IPv6 address must be followed by ':'");
      }
      hostIp = rest.substring(1, close);
      // an IPv4-mapped one too, as Docker's CLI takes it: the daemon publishes it on its IPv4 address
      if (!Ipv6.isValid(hostIp)) {
        throw InvalidValueException.of("port mapping", text, "\"" + hostIp + "\" is not an IPv6 address");
      }
      rest = rest.substring(close + 2);
      if (!rest.contains(":")) {
        rest = ":" + rest;
      }
    }
    String[] parts = rest.split(":", -1);
    String expected = labelForm ? "expected [HOST_IP:]HOST_PORT:CONTAINER_PORT[/PROTOCOL]"
        : "expected [HOST_IP:][HOST_PORT:]CONTAINER_PORT[/PROTOCOL]";
    if (labelForm && (parts.length < 2 || parts[parts.length - 2].isEmpty())) {
      // the label always carries the host port (0 for any), so one missing is a malformed value
      throw InvalidValueException.of("port mapping", text, expected);
    }
    String hostPort = "";
    String containerPort;
    switch (parts.length) {
      case 1 -> containerPort = parts[0];
      case 2 -> {
        hostPort = parts[0];
        containerPort = parts[1];
      }
      case 3 -> {
        if (!hostIp.isEmpty() || !IpLiterals.isIpv4(parts[0])) {
          throw InvalidValueException.of("port mapping", text, "\"" + parts[0]
              + "\" is not an IPv4 address (write IPv6 addresses in brackets)");
        }
        hostIp = parts[0];
        hostPort = parts[1];
        containerPort = parts[2];
      }
      default -> throw InvalidValueException.of("port mapping", text, expected);
    }
    return new Parts(hostIp, hostPort, containerPort, protocol);
  }

  private static int port(String text, String port, int min) {
    if (port.contains("-")) {
      throw InvalidValueException.of("port mapping", text, "a port range is not taken here");
    }
    try {
      int n = Integer.parseInt(port);
      if (n >= min && n <= 65535 && port.chars().allMatch(Character::isDigit)) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below with the rest
    }
    throw InvalidValueException.of("port mapping", text, "\"" + port + "\" is not a port number ("
        + min + "-65535)");
  }

  /** The form {@link #parseLabel} reads: {@code [HOST_IP:]HOST_PORT:CONTAINER_PORT/PROTOCOL}. */
  public String labelValue() {
    String host = hostIp.isEmpty() ? "" : (hostIp.contains(":") ? "[" + hostIp + "]" : hostIp) + ":";
    return host + hostPort + ":" + containerPort + "/" + protocol;
  }

  /** Docker's {@code -p} form, e.g. {@code 127.0.0.1:8080:80/tcp} or {@code 80/udp}. */
  @Override
  public String toString() {
    String host = hostIp.isEmpty() ? "" : (hostIp.contains(":") ? "[" + hostIp + "]" : hostIp) + ":";
    String hostPart = hostPort == 0 && hostIp.isEmpty() ? "" : host + (hostPort == 0 ? "" : hostPort) + ":";
    return hostPart + containerPort + "/" + protocol;
  }
}
