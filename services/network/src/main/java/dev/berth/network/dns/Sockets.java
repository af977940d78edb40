package dev.berth.network.dns;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.Channel;
import java.util.logging.Logger;

/** What the resolver's classes share about sockets. */
final class Sockets {
  private static final Logger LOG = Logger.getLogger(Sockets.class.getName());

  private Sockets() {}

  static void closeQuietly(Channel c) {
    try {
      c.close();
    } catch (IOException e) {
      LOG.fine("closing a DNS socket: " + e.getMessage());
    }
  }

  /** The protocol family of a socket that reaches {@code a}. */
  static ProtocolFamily family(InetAddress a) {
    return a instanceof Inet6Address ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET;
  }

  static InetAddress address(String text) {
    try {
      return InetAddress.getByName(text); // a literal address: no lookup happens
    } catch (IOException e) {
      throw new IllegalArgumentException(text + " is no address", e);
    }
  }
}
