package dev.berth.api.network;


/** A published port; {@code hostIp} 0.0.0.0 means every address of the host, {@code hostPort} 0 "pick one". */
public record PortMapping(Ipv4 hostIp, int hostPort, int containerPort, Protocol protocol) {
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

  /** As in {@code berthctl port}: {@code 80/tcp -> 0.0.0.0:18080}. */
  @Override
  public String toString() {
    return containerPort + "/" + protocol.lowerCase() + " -> " + hostIp + ":" + hostPort;
  }
}
