package dev.berth.api.labels;

import dev.berth.api.InvalidValueException;

/**
 * A line for the container's {@code /etc/hosts}, from Docker's {@code --add-host NAME:IP} (or
 * {@code NAME=IP}) and from the items of the {@link ContainerLabels#ADD_HOSTS} label. The address
 * may also be {@link #HOST_GATEWAY}, which the caller replaces with the host's address on the
 * container's network. This is the entry as a client writes it; the network service checks it
 * into a {@link dev.berth.api.network.HostEntry}, the line it writes.
 */
public record HostEntrySpec(String hostname, String ip) {
  public static final String HOST_GATEWAY = "host-gateway";

  /** {@code NAME:IP} or {@code NAME=IP}; InvalidValueException saying what is wrong. */
  public static HostEntrySpec parse(String text) {
    int sep = indexOfSeparator(text);
    if (sep <= 0) {
      throw InvalidValueException.of("host entry", text, "expected NAME:IP");
    }
    String name = text.substring(0, sep);
    String ip = text.substring(sep + 1);
    if (ip.startsWith("[") && ip.endsWith("]")) {
      ip = ip.substring(1, ip.length() - 1);
    }
    if (!name.matches("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?")) {
      throw InvalidValueException.of("host entry", text, "\"" + name + "\" is not a host name");
    }
    if (!ip.equals(HOST_GATEWAY) && !IpLiterals.isIp(ip)) {
      throw InvalidValueException.of("host entry", text, "\"" + ip + "\" is not an IP address");
    }
    return new HostEntrySpec(name, ip);
  }

  /** The first ':' or '=': names hold neither, IPv6 addresses hold colons. */
  private static int indexOfSeparator(String text) {
    int colon = text.indexOf(':');
    int equals = text.indexOf('=');
    if (colon < 0 || equals < 0) {
      return Math.max(colon, equals);
    }
    return Math.min(colon, equals);
  }

  /** The form the {@link ContainerLabels#ADD_HOSTS} label carries: {@code NAME:IP}. */
  public String labelValue() {
    return hostname + ":" + ip;
  }

  /** The {@code /etc/hosts} line: address, tab, name. */
  public String hostsLine() {
    return ip + "\t" + hostname;
  }
}
