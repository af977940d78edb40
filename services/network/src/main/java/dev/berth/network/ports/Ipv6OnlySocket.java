package dev.berth.network.ports;

import dev.berth.api.network.Ipv6;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.Sockets;
import dev.berth.linux.Syscalls;
import java.io.Closeable;

/**
 * A socket bound to an IPv6 address and port with IPV6_V6ONLY set, which the JDK cannot open (its
 * IPv6 sockets are dual-stack): a reservation of {@code [::]:8080} must not take 0.0.0.0:8080 too,
 * so that each family's host port is reserved on its own, as Docker's are. A TCP socket is bound
 * but not listening, so a connection that reaches it (at {@code [::1]}, which no DNAT rule can
 * forward) is refused at once instead of waiting in a backlog nobody accepts from.
 */
final class Ipv6OnlySocket implements Closeable {
  private static final int AF_INET6 = 10;
  private static final int SOCK_STREAM = 1;
  private static final int SOCK_DGRAM = 2;
  private static final int IPPROTO_IPV6 = 41;
  private static final int IPV6_V6ONLY = 26;

  private final int fd;
  private final int port;

  private Ipv6OnlySocket(int fd, int port) {
    this.fd = fd;
    this.port = port;
  }

  /** Binds {@code address} and {@code port} (0: one the kernel picks); ErrnoException EADDRINUSE/EADDRNOTAVAIL as bind(2). */
  static Ipv6OnlySocket bind(Ipv6 address, int port, boolean tcp) throws ErrnoException {
    String what = "[" + address + "]:" + port;
    int fd = Sockets.open(AF_INET6, tcp ? SOCK_STREAM : SOCK_DGRAM, 0, what);
    try {
      Sockets.setIntOption(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, what);
      Sockets.bind(fd, sockaddr(address, port), what);
      return new Ipv6OnlySocket(fd, Sockets.localPort(fd, what));
    } catch (ErrnoException | RuntimeException e) {
      Syscalls.close(fd);
      throw e;
    }
  }

  /** struct sockaddr_in6: family (host order), port (network order), flow info, address, scope id. */
  private static byte[] sockaddr(Ipv6 address, int port) {
    byte[] sa = new byte[28];
    sa[0] = (byte) AF_INET6;
    sa[2] = (byte) (port >>> 8);
    sa[3] = (byte) port;
    System.arraycopy(address.bytes(), 0, sa, 8, 16);
    return sa;
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    Syscalls.close(fd);
  }
}
