package dev.berth.network.dns;

import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv6;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * The little of the DNS wire format (RFC 1035) the embedded resolver needs: a query's header and
 * first question, and replies carrying A, AAAA or PTR records or just a response code. Forwarded
 * messages are relayed as bytes; only their id and response code are looked at.
 */
final class DnsMessage {
  static final int TYPE_A = 1;
  static final int TYPE_PTR = 12;
  static final int TYPE_MX = 15;
  static final int TYPE_AAAA = 28;
  static final int CLASS_IN = 1;
  static final int NOERROR = 0;
  static final int SERVFAIL = 2;
  static final int REFUSED = 5;
  /** Docker's resolver answers its own names with this TTL (respTTL). */
  static final int TTL = 600;
  /** The largest UDP answer without EDNS (RFC 1035 4.2.1). */
  static final int UDP_LIMIT = 512;
  /** The largest message: what a two-byte TCP length can say. */
  static final int TCP_LIMIT = 65535;

  private static final int HEADER = 12;
  /** An answer's owner (a pointer), type, class, TTL and data length. */
  private static final int ANSWER_HEADER = 12;
  private static final int QR = 0x8000;
  private static final int OPCODE = 0x7800;
  private static final int TC = 0x0200;
  private static final int RD = 0x0100;
  private static final int RA = 0x0080;
  private static final int CD = 0x0010;

  private DnsMessage() {}

  /**
   * A query's first question. {@code name} is lower case without the trailing dot;
   * {@code question} is the question section as sent, echoed in replies.
   */
  record Query(int id, int flags, String name, int type, int qclass, byte[] question) {}

  /** Parses a query; null if it is not one (a response, no question, malformed). */
  static Query parseQuery(byte[] m, int length) {
    if (length < HEADER) {
      return null;
    }
    int flags = u16(m, 2);
    if ((flags & QR) != 0 || u16(m, 4) == 0) {
      return null;
    }
    StringBuilder name = new StringBuilder();
    int p = HEADER;
    while (true) {
      if (p >= length) {
        return null;
      }
      int len = m[p] & 0xff;
      p++;
      if (len == 0) {
        break;
      }
      if (len > 63 || p + len > length || name.length() + len > 254) {
        return null; // compression has no place in a question that comes first
      }
      if (!name.isEmpty()) {
        name.append('.');
      }
      name.append(new String(m, p, len, StandardCharsets.ISO_8859_1));
      p += len;
    }
    if (p + 4 > length) {
      return null;
    }
    int type = u16(m, p);
    int qclass = u16(m, p + 2);
    p += 4;
    byte[] question = new byte[p - HEADER];
    System.arraycopy(m, HEADER, question, 0, question.length);
    return new Query(u16(m, 0), flags, name.toString().toLowerCase(Locale.ROOT), type, qclass, question);
  }

  /** A reply answering {@code query} with A records for {@code addresses} (none: NOERROR, empty). */
  static byte[] addresses(Query query, List<Ipv4> addresses, int limit) {
    return records(query, TYPE_A, 4, addresses.stream().map(Ipv4::bytes).toList(), limit);
  }

  /** A reply answering {@code query} with AAAA records for {@code addresses} (none: NOERROR, empty). */
  static byte[] addresses6(Query query, List<Ipv6> addresses, int limit) {
    return records(query, TYPE_AAAA, 16, addresses.stream().map(Ipv6::bytes).toList(), limit);
  }

  /** Records of one type, each {@code dataLength} long, as many as fit in {@code limit}; truncated (TC) if not all do. */
  private static byte[] records(Query query, int type, int dataLength, List<byte[]> data, int limit) {
    int room = (limit - HEADER - query.question().length) / (ANSWER_HEADER + dataLength);
    boolean truncated = data.size() > room;
    List<byte[]> fit = truncated ? data.subList(0, Math.max(room, 0)) : data;
    ByteArrayOutputStream out = header(query, NOERROR, true, fit.size(), truncated);
    for (byte[] d : fit) {
      answerHeader(out, type, d.length);
      out.writeBytes(d);
    }
    return out.toByteArray();
  }

  /** A reply answering a reverse query with {@code name} (a dotted name without the last dot). */
  static byte[] pointer(Query query, String name) {
    byte[] target = encodeName(name);
    ByteArrayOutputStream out = header(query, NOERROR, true, 1, false);
    answerHeader(out, TYPE_PTR, target.length);
    out.writeBytes(target);
    return out.toByteArray();
  }

  /** A reply carrying only a response code, as Docker's SetRcode makes one. */
  static byte[] rcode(Query query, int rcode) {
    return header(query, rcode, false, 0, false).toByteArray();
  }

  static int id(byte[] m) {
    return u16(m, 0);
  }

  static void setId(byte[] m, int id) {
    m[0] = (byte) (id >> 8);
    m[1] = (byte) id;
  }

  /** The response code of a relayed response; -1 if {@code m} is no response. */
  static int responseCode(byte[] m, int length) {
    if (length < HEADER || (u16(m, 2) & QR) == 0) {
      return -1;
    }
    return u16(m, 2) & 0xf;
  }

  /** The IPv4 address a name under in-addr.arpa stands for; null if it stands for none. */
  static Ipv4 reverseAddress(String name) {
    String suffix = ".in-addr.arpa";
    if (!name.endsWith(suffix)) {
      return null;
    }
    String[] octets = name.substring(0, name.length() - suffix.length()).split("\\.");
    if (octets.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      if (!octets[i].matches("[0-9]{1,3}") || Integer.parseInt(octets[i]) > 255) {
        return null;
      }
      bytes[3 - i] = (byte) Integer.parseInt(octets[i]);
    }
    return Ipv4.of(bytes);
  }

  /** The IPv6 address a name under ip6.arpa (32 nibbles, last first) stands for; null if it stands for none. */
  static Ipv6 reverseAddress6(String name) {
    String suffix = ".ip6.arpa";
    if (!name.endsWith(suffix)) {
      return null;
    }
    String[] nibbles = name.substring(0, name.length() - suffix.length()).split("\\.");
    if (nibbles.length != 32) {
      return null;
    }
    byte[] bytes = new byte[16];
    for (int i = 0; i < 32; i++) {
      if (!nibbles[i].matches("[0-9a-f]")) {
        return null;
      }
      int at = 31 - i;
      bytes[at / 2] |= (byte) (Character.digit(nibbles[i].charAt(0), 16) << (at % 2 == 0 ? 4 : 0));
    }
    return Ipv6.of(bytes);
  }

  private static ByteArrayOutputStream header(Query query, int rcode, boolean recursionAvailable, int answers,
      boolean truncated) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64);
    int flags = QR | (query.flags() & (OPCODE | RD | CD)) | (recursionAvailable ? RA : 0) | (truncated ? TC : 0)
        | rcode;
    put16(out, query.id());
    put16(out, flags);
    put16(out, 1);
    put16(out, answers);
    put16(out, 0);
    put16(out, 0);
    out.writeBytes(query.question());
    return out;
  }

  /** An answer's owner (a pointer to the question's name), type, class, TTL and data length. */
  private static void answerHeader(ByteArrayOutputStream out, int type, int dataLength) {
    put16(out, 0xc000 | HEADER);
    put16(out, type);
    put16(out, CLASS_IN);
    put16(out, TTL >>> 16);
    put16(out, TTL & 0xffff);
    put16(out, dataLength);
  }

  static byte[] encodeName(String name) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (String label : name.split("\\.")) {
      byte[] bytes = label.getBytes(StandardCharsets.ISO_8859_1);
      if (bytes.length == 0) {
        continue;
      }
      out.write(Math.min(bytes.length, 63));
      out.write(bytes, 0, Math.min(bytes.length, 63));
    }
    out.write(0);
    return out.toByteArray();
  }

  private static int u16(byte[] m, int at) {
    return ((m[at] & 0xff) << 8) | (m[at + 1] & 0xff);
  }

  private static void put16(ByteArrayOutputStream out, int v) {
    out.write(v >> 8);
    out.write(v);
  }
}
