package dev.berth.network.linux;

import com.sun.jna.LastErrorException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Thin wrappers over {@link LibC}: every failure becomes an {@link ErrnoException} naming the
 * call and what it was applied to.
 */
public final class Syscalls {
  static final int AF_NETLINK = 16;
  static final int SOCK_RAW = 3;
  static final int SOCK_CLOEXEC = 0x80000;
  static final int SOL_SOCKET = 1;
  static final int SO_RCVTIMEO = 20;
  static final int SOL_NETLINK = 270;
  static final int NETLINK_CAP_ACK = 10;
  static final int NETLINK_EXT_ACK = 11;

  public static final int CLONE_NEWNET = 0x40000000;
  private static final int O_RDONLY = 0;
  private static final int O_CLOEXEC = 0x80000;
  private static final long MS_BIND = 4096;
  private static final int MNT_DETACH = 2;

  /** The JDK encodes file names with this charset; native calls must use the same bytes. */
  private static final Charset FILE_NAMES = Charset.forName(
      System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()));

  private Syscalls() {}

  /** Opens {@code path} read-only for its file descriptor (a namespace file, for setns or IFLA_NET_NS_FD). */
  public static int open(Path path) throws ErrnoException {
    try {
      return LibC.open(cString(path.toString()), O_RDONLY | O_CLOEXEC);
    } catch (LastErrorException e) {
      throw new ErrnoException("open " + path, e.getErrorCode(), null);
    }
  }

  public static void close(int fd) {
    try {
      LibC.close(fd);
    } catch (LastErrorException e) {
      // close(2) releases the descriptor even when it reports an error; nothing to undo.
    }
  }

  /** Moves the calling thread, and only it, into the network namespace {@code fd} refers to. */
  public static void setns(int fd, String what) throws ErrnoException {
    try {
      LibC.setns(fd, CLONE_NEWNET);
    } catch (LastErrorException e) {
      throw new ErrnoException("setns " + what, e.getErrorCode(), null);
    }
  }

  /** Gives the calling thread, and only it, a new network namespace. */
  public static void unshareNetwork() throws ErrnoException {
    try {
      LibC.unshare(CLONE_NEWNET);
    } catch (LastErrorException e) {
      throw new ErrnoException("unshare(CLONE_NEWNET)", e.getErrorCode(), null);
    }
  }

  public static void bindMount(Path source, Path target) throws ErrnoException {
    try {
      LibC.mount(cString(source.toString()), cString(target.toString()), null, MS_BIND, null);
    } catch (LastErrorException e) {
      throw new ErrnoException("mount --bind " + source + " " + target, e.getErrorCode(), null);
    }
  }

  public static void detachMount(Path target) throws ErrnoException {
    try {
      LibC.umount2(cString(target.toString()), MNT_DETACH);
    } catch (LastErrorException e) {
      throw new ErrnoException("umount2 " + target, e.getErrorCode(), null);
    }
  }

  static int netlinkSocket(int protocol) throws ErrnoException {
    try {
      return LibC.socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol);
    } catch (LastErrorException e) {
      throw new ErrnoException("socket(AF_NETLINK)", e.getErrorCode(), null);
    }
  }

  static void setIntOption(int fd, int level, int name, int value, String what) throws ErrnoException {
    try {
      LibC.setsockopt(fd, level, name, new int[] {value}, 4);
    } catch (LastErrorException e) {
      throw new ErrnoException("setsockopt " + what, e.getErrorCode(), null);
    }
  }

  static void setReceiveTimeout(int fd, long seconds) throws ErrnoException {
    try {
      LibC.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, new long[] {seconds, 0}, 16);
    } catch (LastErrorException e) {
      throw new ErrnoException("setsockopt SO_RCVTIMEO", e.getErrorCode(), null);
    }
  }

  /** Binds a netlink socket to a kernel-assigned port id. */
  static void bindNetlink(int fd) throws ErrnoException {
    byte[] address = new byte[12];
    address[0] = (byte) AF_NETLINK;
    try {
      LibC.bind(fd, address, address.length);
    } catch (LastErrorException e) {
      throw new ErrnoException("bind(AF_NETLINK)", e.getErrorCode(), null);
    }
  }

  /** Sends one netlink datagram: the kernel takes all of it or fails. */
  static void send(int fd, byte[] message, int length, String what) throws ErrnoException {
    while (true) {
      try {
        LibC.send(fd, message, length, 0);
        return;
      } catch (LastErrorException e) {
        if (e.getErrorCode() != ErrnoException.EINTR) {
          throw new ErrnoException("send " + what, e.getErrorCode(), null);
        }
      }
    }
  }

  static int receive(int fd, byte[] buffer, String what) throws ErrnoException {
    while (true) {
      try {
        return (int) LibC.recv(fd, buffer, buffer.length, 0);
      } catch (LastErrorException e) {
        if (e.getErrorCode() != ErrnoException.EINTR) {
          throw new ErrnoException("recv " + what, e.getErrorCode(), null);
        }
      }
    }
  }

  static byte[] cString(String s) {
    byte[] bytes = s.getBytes(FILE_NAMES);
    return Arrays.copyOf(bytes, bytes.length + 1);
  }
}
