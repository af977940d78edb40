package dev.berth.api.network;


/**
 * A published port; {@code hostIp} 0.0.0.0 means every IPv4 address of the host, {@code ::} every
 * IPv6 one, and {@code hostPort} 0 "pick one". A mapping asked for may leave {@code hostIp} null:
 * every address of each family the container has, published as one mapping per family on the
 * same host port (Docker's {@code -p 8080:80} on a container with IPv6: 0.0.0.0 and {@code ::}).
 */
public record PortMapping(IpAddress hostIp, int hostPort, int containerPort, Protocol protocol) {
  public enum Protocol {
    TCP, UDP;

    public String lowerCase() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static final Ipv4 ANY = new Ipv4(0);

  public PortMapping withHostPort(int port) {
    return new PortMapping(hostIp, port, containerPort, protocol);
  }

  public PortMapping withHostIp(IpAddress ip) {
    return new PortMapping(ip, hostPort, containerPort, protocol);
  }

  /** The host IP as the API carries it: empty for a mapping of every family. */
  public String hostIpText() {
    return hostIp == null ? "" : hostIp.toString();
  }

  /** As in {@code berthctl port}: {@code 80/tcp -> 0.0.0.0:18080}, {@code 80/tcp -> [::]:18080}. */
  @Override
  public String toString() {
    return containerPort + "/" + protocol.lowerCase() + " -> " + (hostIp == null ? "*" : hostIp.inHostPort())
        + ":" + hostPort;
  }
}
