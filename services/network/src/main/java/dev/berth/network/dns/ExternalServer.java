package dev.berth.network.dns;

/**
 * A server the embedded resolver forwards to. {@code inHost}: asked from berthd's own network
 * namespace, as Docker asks a loopback resolver it took from the host's resolv.conf (such as
 * systemd-resolved's 127.0.0.53), which the container's namespace cannot reach; every other
 * server is asked from the container's namespace, so its routes and firewall apply.
 */
public record ExternalServer(String address, boolean inHost) {
  /** As Docker's resolv.conf comment lists it: {@code host(127.0.0.53)} or the address. */
  @Override
  public String toString() {
    return inHost ? "host(" + address + ")" : address;
  }

  /** Reads one of {@link #toString()}'s forms back. */
  public static ExternalServer parse(String text) {
    if (text.startsWith("host(") && text.endsWith(")")) {
      return new ExternalServer(text.substring(5, text.length() - 1), true);
    }
    return new ExternalServer(text, false);
  }
}
