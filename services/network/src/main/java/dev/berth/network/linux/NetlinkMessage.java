package dev.berth.network.linux;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * One rtnetlink request being built: the 16-byte nlmsghdr, a family header (ifinfomsg, ifaddrmsg
 * or rtmsg) and attributes, nested where the kernel expects it; all in host byte order, each
 * attribute padded to 4 bytes. Also parses the attributes of replies.
 */
final class NetlinkMessage {
  static final int HEADER_LENGTH = 16;
  private static final int NLA_F_NESTED = 0x8000;
  /** Clears NLA_F_NESTED and NLA_F_NET_BYTEORDER. */
  private static final int NLA_TYPE_MASK = 0x3fff;

  private final ByteBuffer buffer = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());
  private final Deque<Integer> open = new ArrayDeque<>();
  private final String description;

  /** {@code description} names the request in errors, e.g. "RTM_NEWLINK veth vb0123". */
  NetlinkMessage(int type, int flags, String description) {
    this.description = description;
    buffer.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
  }

  String description() {
    return description;
  }

  /** struct ifinfomsg. */
  NetlinkMessage ifinfomsg(int family, int index, int flags, int change) {
    buffer.put((byte) family).put((byte) 0).putShort((short) 0).putInt(index).putInt(flags).putInt(change);
    return this;
  }

  /** struct ifaddrmsg. */
  NetlinkMessage ifaddrmsg(int family, int prefixLength, int scope, int index) {
    buffer.put((byte) family).put((byte) prefixLength).put((byte) 0).put((byte) scope).putInt(index);
    return this;
  }

  /** struct rtmsg. */
  NetlinkMessage rtmsg(int family, int dstLength, int table, int protocol, int scope, int type) {
    buffer.put((byte) family).put((byte) dstLength).put((byte) 0).put((byte) 0)
        .put((byte) table).put((byte) protocol).put((byte) scope).put((byte) type).putInt(0);
    return this;
  }

  NetlinkMessage u8(int type, int value) {
    return attribute(type, new byte[] {(byte) value});
  }

  NetlinkMessage u32(int type, int value) {
    return attribute(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
  }

  NetlinkMessage string(int type, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
    byte[] terminated = new byte[bytes.length + 1];
    System.arraycopy(bytes, 0, terminated, 0, bytes.length);
    return attribute(type, terminated);
  }

  NetlinkMessage attribute(int type, byte[] value) {
    buffer.putShort((short) (4 + value.length)).putShort((short) type).put(value);
    pad();
    return this;
  }

  /** Opens a nested attribute; close it with {@link #end()}. */
  NetlinkMessage begin(int type) {
    open.push(buffer.position());
    buffer.putShort((short) 0).putShort((short) (type | NLA_F_NESTED));
    return this;
  }

  NetlinkMessage end() {
    int start = open.pop();
    buffer.putShort(start, (short) (buffer.position() - start));
    return this;
  }

  /** The finished message with sequence number {@code sequence}; its length is {@link #length()}. */
  byte[] bytes(int sequence) {
    if (!open.isEmpty()) {
      throw new IllegalStateException("unclosed nested attribute in " + description);
    }
    buffer.putInt(0, buffer.position());
    buffer.putInt(8, sequence);
    return buffer.array();
  }

  int length() {
    return buffer.position();
  }

  private void pad() {
    while (buffer.position() % 4 != 0) {
      buffer.put((byte) 0);
    }
  }

  /** Attributes from {@code offset} to the end of {@code body}, by type (nested flag cleared), each a slice. */
  static Map<Integer, ByteBuffer> attributes(ByteBuffer body, int offset) {
    Map<Integer, ByteBuffer> attributes = new HashMap<>();
    int position = offset;
    while (position + 4 <= body.limit()) {
      int length = Short.toUnsignedInt(body.getShort(position));
      int type = Short.toUnsignedInt(body.getShort(position + 2)) & NLA_TYPE_MASK;
      if (length < 4 || position + length > body.limit()) {
        break;
      }
      attributes.put(type, body.slice(position + 4, length - 4).order(ByteOrder.nativeOrder()));
      position += (length + 3) & ~3;
    }
    return attributes;
  }

  /** A NUL-terminated string attribute. */
  static String string(ByteBuffer value) {
    int end = 0;
    while (end < value.limit() && value.get(end) != 0) {
      end++;
    }
    byte[] bytes = new byte[end];
    value.get(0, bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  static byte[] bytes(ByteBuffer value) {
    byte[] bytes = new byte[value.limit()];
    value.get(0, bytes);
    return bytes;
  }
}
