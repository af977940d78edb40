package dev.berth.ctl.transport;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * HPACK (RFC 7541) for the answers of one connection: the static and dynamic tables, integers,
 * plain and Huffman-coded strings. Header blocks must be decoded in the order they arrive, as each
 * may change the dynamic table the next one refers to. Kept here rather than loaded from Netty,
 * whose decoder brings its buffers and their platform probing (~150 classes) into every berthctl
 * command.
 */
final class HpackDecoder {
  /** The table size this client allows the server's encoder: HTTP/2's default, never changed. */
  static final int TABLE_BYTES = 4096;

  private final int maxHeaderListBytes;
  /** Newest first, as dynamic indexes count. */
  private final ArrayDeque<byte[][]> dynamic = new ArrayDeque<>();
  private int dynamicBytes;
  private int dynamicMax = TABLE_BYTES;

  HpackDecoder(int maxHeaderListBytes) {
    this.maxHeaderListBytes = maxHeaderListBytes;
  }

  /** A header block's fields, as name and value pairs in order (names and values as ISO-8859-1 bytes). */
  List<byte[][]> decode(byte[] block) throws HpackException {
    List<byte[][]> fields = new ArrayList<>();
    Reader in = new Reader(block);
    long listBytes = 0;
    boolean fieldSeen = false;
    while (in.more()) {
      int b = in.peek();
      byte[][] field;
      if ((b & 0x80) != 0) {
        field = entry(in.integer(7));
      } else if ((b & 0xc0) == 0x40) {
        field = literal(in, 6);
        add(field);
      } else if ((b & 0xe0) == 0x20) {
        // RFC 7541 §4.2: size updates come first in a block
        if (fieldSeen) {
          throw new HpackException("dynamic table size update after a header field");
        }
        int size = in.integer(5);
        if (size > TABLE_BYTES) {
          throw new HpackException("dynamic table size " + size + " above the " + TABLE_BYTES + " allowed");
        }
        dynamicMax = size;
        evict(0);
        continue;
      } else {
        field = literal(in, 4); // without indexing (0000) or never indexed (0001)
      }
      fieldSeen = true;
      listBytes += field[0].length + field[1].length + 32;
      if (listBytes > maxHeaderListBytes) {
        throw new HpackException("header list larger than " + maxHeaderListBytes + " bytes");
      }
      fields.add(field);
    }
    return fields;
  }

  private byte[][] literal(Reader in, int prefixBits) throws HpackException {
    int index = in.integer(prefixBits);
    byte[] name = index == 0 ? in.string() : entry(index)[0];
    return new byte[][] {name, in.string()};
  }

  private byte[][] entry(int index) throws HpackException {
    if (index >= 1 && index <= StaticTable.SIZE) {
      return StaticTable.entry(index);
    }
    int i = index - StaticTable.SIZE - 1;
    if (index == 0 || i >= dynamic.size()) {
      throw new HpackException("no table entry " + index);
    }
    Iterator<byte[][]> it = dynamic.iterator();
    for (int k = 0; k < i; k++) {
      it.next();
    }
    return it.next();
  }

  private void add(byte[][] field) {
    int size = field[0].length + field[1].length + 32;
    evict(size);
    if (size <= dynamicMax) {
      dynamic.addFirst(field);
      dynamicBytes += size;
    }
  }

  /** Evicts the oldest entries until {@code room} more bytes fit (RFC 7541 §4.4). */
  private void evict(int room) {
    while (!dynamic.isEmpty() && dynamicBytes + room > dynamicMax) {
      byte[][] e = dynamic.removeLast();
      dynamicBytes -= e[0].length + e[1].length + 32;
    }
  }

  /** A header block this decoder cannot take: the connection cannot go on. */
  static final class HpackException extends Exception {
    HpackException(String message) {
      super(message);
    }
  }

  private static final class Reader {
    private final byte[] b;
    private int pos;

    Reader(byte[] b) {
      this.b = b;
    }

    boolean more() {
      return pos < b.length;
    }

    int peek() {
      return b[pos] & 0xff;
    }

    private int next() throws HpackException {
      if (pos >= b.length) {
        throw new HpackException("header block ends inside a field");
      }
      return b[pos++] & 0xff;
    }

    /** An integer with a {@code prefixBits}-bit prefix (RFC 7541 §5.1). */
    int integer(int prefixBits) throws HpackException {
      int max = (1 << prefixBits) - 1;
      int value = next() & max;
      if (value < max) {
        return value;
      }
      for (int shift = 0; ; shift += 7) {
        int c = next();
        if (shift > 21) {
          throw new HpackException("integer too large");
        }
        value += (c & 0x7f) << shift;
        if ((c & 0x80) == 0) {
          return value;
        }
      }
    }

    /** A string literal (RFC 7541 §5.2). */
    byte[] string() throws HpackException {
      boolean huffman = (peek() & 0x80) != 0;
      int length = integer(7);
      if (length > b.length - pos) {
        throw new HpackException("string longer than its header block");
      }
      int start = pos;
      pos += length;
      return huffman ? Huffman.decode(b, start, length) : Arrays.copyOfRange(b, start, start + length);
    }
  }

  /** RFC 7541 Appendix A. */
  private static final class StaticTable {
    static final int SIZE = 61;
    private static final String[] FIELDS = {
        ":authority", "", ":method", "GET", ":method", "POST", ":path", "/", ":path", "/index.html",
        ":scheme", "http", ":scheme", "https", ":status", "200", ":status", "204", ":status", "206",
        ":status", "304", ":status", "400", ":status", "404", ":status", "500", "accept-charset", "",
        "accept-encoding", "gzip, deflate", "accept-language", "", "accept-ranges", "", "accept", "",
        "access-control-allow-origin", "", "age", "", "allow", "", "authorization", "", "cache-control", "",
        "content-disposition", "", "content-encoding", "", "content-language", "", "content-length", "",
        "content-location", "", "content-range", "", "content-type", "", "cookie", "", "date", "", "etag", "",
        "expect", "", "expires", "", "from", "", "host", "", "if-match", "", "if-modified-since", "",
        "if-none-match", "", "if-range", "", "if-unmodified-since", "", "last-modified", "", "link", "",
        "location", "", "max-forwards", "", "proxy-authenticate", "", "proxy-authorization", "", "range", "",
        "referer", "", "refresh", "", "retry-after", "", "server", "", "set-cookie", "",
        "strict-transport-security", "", "transfer-encoding", "", "user-agent", "", "vary", "", "via", "",
        "www-authenticate", ""};

    static byte[][] entry(int index) {
      return new byte[][] {
          FIELDS[2 * (index - 1)].getBytes(StandardCharsets.ISO_8859_1),
          FIELDS[2 * (index - 1) + 1].getBytes(StandardCharsets.ISO_8859_1)};
    }
  }
}
