package dev.berth.linux;

import com.sun.jna.LastErrorException;

/**
 * Sockets of the families the JDK cannot open (netlink and the like), as raw descriptors.
 * {@code what} names the socket in errors.
 */
public final class Sockets {
  private static final int SOL_SOCKET = 1;
  private static final int SO_RCVTIMEO = 20;
  private static final int SOCK_CLOEXEC = Syscalls.O_CLOEXEC;

  private Sockets() {}

  /** A new close-on-exec socket; close it with {@link Syscalls#close}. */
  public static int open(int domain, int type, int protocol, String what) throws ErrnoException {
    try {
      return LibC.socket(domain, type | SOCK_CLOEXEC, protocol);
    } catch (LastErrorException e) {
      throw ErrnoException.of("socket", what, e);
    }
  }

  public static void bind(int fd, byte[] address, String what) throws ErrnoException {
    try {
      LibC.bind(fd, address, address.length);
    } catch (LastErrorException e) {
      throw ErrnoException.of("bind", what, e);
    }
  }

  public static void listen(int fd, int backlog, String what) throws ErrnoException {
    try {
      LibC.listen(fd, backlog);
    } catch (LastErrorException e) {
      throw ErrnoException.of("listen", what, e);
    }
  }

  /** The port a bound IPv4 or IPv6 socket has, from its sockaddr (port in bytes 2-3, network order). */
  public static int localPort(int fd, String what) throws ErrnoException {
    byte[] address = new byte[128];
    try {
      LibC.getsockname(fd, address, new int[] {address.length});
    } catch (LastErrorException e) {
      throw ErrnoException.of("getsockname", what, e);
    }
    return ((address[2] & 0xff) << 8) | (address[3] & 0xff);
  }

  public static void setIntOption(int fd, int level, int name, int value, String what) throws ErrnoException {
    try {
      LibC.setsockopt(fd, level, name, new int[] {value}, 4);
    } catch (LastErrorException e) {
      throw ErrnoException.of("setsockopt", what, e);
    }
  }

  /** Makes a blocking receive fail with EAGAIN after {@code seconds}. */
  public static void setReceiveTimeout(int fd, long seconds, String what) throws ErrnoException {
    try {
      LibC.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, new long[] {seconds, 0}, 16);
    } catch (LastErrorException e) {
      throw ErrnoException.of("setsockopt SO_RCVTIMEO", what, e);
    }
  }

  /** Sends one datagram: the kernel takes all of it or fails. */
  public static void send(int fd, byte[] message, int length, String what) throws ErrnoException {
    while (true) {
      try {
        LibC.send(fd, message, length, 0);
        return;
      } catch (LastErrorException e) {
        if (e.getErrorCode() != ErrnoException.EINTR) {
          throw ErrnoException.of("send", what, e);
        }
      }
    }
  }

  public static int receive(int fd, byte[] buffer, String what) throws ErrnoException {
    while (true) {
      try {
        return (int) LibC.recv(fd, buffer, buffer.length, 0);
      } catch (LastErrorException e) {
        if (e.getErrorCode() != ErrnoException.EINTR) {
          throw ErrnoException.of("recv", what, e);
        }
      }
    }
  }
}
