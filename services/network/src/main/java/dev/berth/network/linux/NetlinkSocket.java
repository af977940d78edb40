package dev.berth.network.linux;

import dev.berth.linux.ErrnoException;
import dev.berth.linux.Sockets;
import dev.berth.linux.Syscalls;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A NETLINK_ROUTE socket. It talks to the network namespace of the thread that opened it, for
 * as long as it lives, whichever thread uses it later. Not thread-safe: one user at a time.
 */
final class NetlinkSocket implements AutoCloseable {
  static final int NLM_F_REQUEST = 0x1;
  static final int NLM_F_ACK = 0x4;
  static final int NLM_F_REPLACE = 0x100;
  static final int NLM_F_EXCL = 0x200;
  static final int NLM_F_CREATE = 0x400;
  static final int NLM_F_DUMP = 0x300;
  private static final int NLM_F_CAPPED = 0x100;
  private static final int NLM_F_ACK_TLVS = 0x200;
  private static final int NLMSG_ERROR = 2;
  private static final int NLMSG_DONE = 3;
  private static final int NLMSGERR_ATTR_MSG = 1;
  private static final int NETLINK_ROUTE = 0;
  private static final int AF_NETLINK = 16;
  private static final int SOCK_RAW = 3;
  private static final int SOL_NETLINK = 270;
  private static final int NETLINK_CAP_ACK = 10;
  private static final int NETLINK_EXT_ACK = 11;
  private static final String WHAT = "NETLINK_ROUTE";

  private final int fd;
  private final byte[] receiveBuffer = new byte[1 << 16];
  private int sequence;

  private NetlinkSocket(int fd) {
    this.fd = fd;
  }

  /** Opens a socket in the calling thread's network namespace. */
  static NetlinkSocket open() throws ErrnoException {
    int fd = Sockets.open(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE, WHAT);
    try {
      // Errors then carry the kernel's own explanation and not a copy of our request.
      Sockets.setIntOption(fd, SOL_NETLINK, NETLINK_EXT_ACK, 1, WHAT + " NETLINK_EXT_ACK");
      Sockets.setIntOption(fd, SOL_NETLINK, NETLINK_CAP_ACK, 1, WHAT + " NETLINK_CAP_ACK");
      Sockets.setReceiveTimeout(fd, 10, WHAT);
      // a zero port id: the kernel assigns one
      byte[] address = new byte[12];
      address[0] = (byte) AF_NETLINK;
      Sockets.bind(fd, address, WHAT);
      return new NetlinkSocket(fd);
    } catch (ErrnoException e) {
      Syscalls.close(fd);
      throw e;
    }
  }

  /**
   * Sends {@code request} and returns the bodies (after nlmsghdr) of its answers: the reply to a
   * get, the parts of a dump, nothing for an acknowledged change. A negative answer becomes an
   * {@link ErrnoException} naming the request and carrying the kernel's message.
   */
  List<ByteBuffer> exchange(NetlinkMessage request) throws ErrnoException {
    int seq = ++sequence;
    byte[] bytes = request.bytes(seq);
    Sockets.send(fd, bytes, request.length(), request.description());
    List<ByteBuffer> answers = new ArrayList<>();
    while (true) {
      int received = Sockets.receive(fd, receiveBuffer, request.description());
      ByteBuffer all = ByteBuffer.wrap(receiveBuffer, 0, received).order(ByteOrder.nativeOrder());
      int position = 0;
      while (position + NetlinkMessage.HEADER_LENGTH <= received) {
        int length = all.getInt(position);
        int type = Short.toUnsignedInt(all.getShort(position + 4));
        int flags = Short.toUnsignedInt(all.getShort(position + 6));
        int messageSeq = all.getInt(position + 8);
        if (length < NetlinkMessage.HEADER_LENGTH || position + length > received) {
          throw new ErrnoException("netlink", request.description(), ErrnoException.EINVAL, "malformed netlink answer");
        }
        ByteBuffer body = ByteBuffer.wrap(receiveBuffer, position + NetlinkMessage.HEADER_LENGTH,
            length - NetlinkMessage.HEADER_LENGTH).slice().order(ByteOrder.nativeOrder());
        position += (length + 3) & ~3;
        if (messageSeq != seq) {
          continue;
        }
        if (type == NLMSG_ERROR) {
          int error = body.getInt(0);
          if (error != 0) {
            throw new ErrnoException("netlink", request.description(), -error, kernelMessage(body, flags));
          }
          return answers;
        }
        if (type == NLMSG_DONE) {
          int error = body.limit() >= 4 ? body.getInt(0) : 0;
          if (error < 0) {
            throw new ErrnoException("netlink", request.description(), -error, kernelMessage(body, flags));
          }
          return answers;
        }
        ByteBuffer copy = ByteBuffer.allocate(body.limit()).order(ByteOrder.nativeOrder());
        copy.put(body.duplicate()).flip();
        answers.add(copy);
      }
    }
  }

  /** The extended-ACK message after struct nlmsgerr, if the kernel gave one. */
  private static String kernelMessage(ByteBuffer body, int flags) {
    if ((flags & NLM_F_ACK_TLVS) == 0 || body.limit() < 4 + NetlinkMessage.HEADER_LENGTH) {
      return null;
    }
    int offset = 4 + ((flags & NLM_F_CAPPED) != 0 ? NetlinkMessage.HEADER_LENGTH : body.getInt(4));
    if (offset > body.limit()) {
      return null;
    }
    Map<Integer, ByteBuffer> tlvs = NetlinkMessage.attributes(body, offset);
    ByteBuffer message = tlvs.get(NLMSGERR_ATTR_MSG);
    return message == null ? null : NetlinkMessage.string(message);
  }

  @Override
  public void close() {
    Syscalls.close(fd);
  }
}
