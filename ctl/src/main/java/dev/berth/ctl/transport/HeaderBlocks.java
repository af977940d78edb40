package dev.berth.ctl.transport;

import io.grpc.InternalMetadata;
import io.grpc.Metadata;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * HPACK for one connection. Requests are written as literal fields without indexing, which every
 * decoder takes and which keeps no table on either side; answers are decoded in full
 * ({@link HpackDecoder}: Huffman strings, the dynamic table).
 */
final class HeaderBlocks {
  /** Header lists larger than this (a long grpc-message, say) fail the connection. */
  static final int MAX_HEADER_LIST_BYTES = 1 << 20;

  private final HpackDecoder decoder = new HpackDecoder(MAX_HEADER_LIST_BYTES);

  /** A request's header block: the pseudo-headers, then gRPC's, then the call's metadata. */
  static byte[] request(String path, String authority, String timeout, Metadata metadata) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    literal(out, ":method", "POST");
    literal(out, ":scheme", "http");
    literal(out, ":path", path);
    literal(out, ":authority", authority);
    literal(out, "content-type", "application/grpc");
    literal(out, "te", "trailers");
    literal(out, "user-agent", "berthctl");
    if (timeout != null) {
      literal(out, "grpc-timeout", timeout);
    }
    byte[][] pairs = InternalMetadata.serialize(metadata);
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      String name = new String(pairs[i], StandardCharsets.US_ASCII);
      if (reserved(name)) {
        continue;
      }
      byte[] value = name.endsWith(Metadata.BINARY_HEADER_SUFFIX)
          ? Base64.getEncoder().withoutPadding().encode(pairs[i + 1]) : pairs[i + 1];
      literal(out, pairs[i], value);
    }
    return out.toByteArray();
  }

  /** Headers the transport writes itself, which a call's metadata must not repeat. */
  private static boolean reserved(String name) {
    return name.startsWith(":") || name.equals("content-type") || name.equals("te") || name.equals("user-agent")
        || name.equals("grpc-timeout");
  }

  private static void literal(ByteArrayOutputStream out, String name, String value) {
    literal(out, name.getBytes(StandardCharsets.US_ASCII), value.getBytes(StandardCharsets.US_ASCII));
  }

  /** A literal header field without indexing, new name (RFC 7541 §6.2.2), strings not Huffman-coded. */
  private static void literal(ByteArrayOutputStream out, byte[] name, byte[] value) {
    out.write(0);
    string(out, name);
    string(out, value);
  }

  private static void string(ByteArrayOutputStream out, byte[] bytes) {
    integer(out, bytes.length, 7);
    out.write(bytes, 0, bytes.length);
  }

  /** An HPACK integer with an {@code prefixBits}-bit prefix, the flag bits before it zero (RFC 7541 §5.1). */
  private static void integer(ByteArrayOutputStream out, int value, int prefixBits) {
    int max = (1 << prefixBits) - 1;
    if (value < max) {
      out.write(value);
      return;
    }
    out.write(max);
    value -= max;
    while (value >= 0x80) {
      out.write((value & 0x7f) | 0x80);
      value >>>= 7;
    }
    out.write(value);
  }

  /**
   * Decodes an answer's header block, in the order blocks arrive on the connection (the dynamic
   * table depends on it): the {@code :status} and the fields as name and value pairs.
   */
  Decoded decode(byte[] block) throws HpackDecoder.HpackException {
    List<byte[][]> fields = decoder.decode(block);
    List<byte[]> pairs = new ArrayList<>(fields.size() * 2);
    String status = null;
    for (byte[][] field : fields) {
      String name = new String(field[0], StandardCharsets.ISO_8859_1);
      if (name.equals(":status")) {
        status = new String(field[1], StandardCharsets.ISO_8859_1);
      }
      if (name.startsWith(":")) {
        continue;
      }
      pairs.add(field[0]);
      try {
        pairs.add(name.endsWith(Metadata.BINARY_HEADER_SUFFIX) ? Base64.getDecoder().decode(field[1]) : field[1]);
      } catch (IllegalArgumentException e) {
        throw new HpackDecoder.HpackException("header " + name + " is not base64");
      }
    }
    return new Decoded(status, pairs);
  }

  /** A decoded block: the HTTP status (null in trailers) and the metadata's name and value pairs. */
  record Decoded(String httpStatus, List<byte[]> pairs) {
    Metadata metadata() {
      return InternalMetadata.newMetadata(pairs.size() / 2, pairs.toArray(byte[][]::new));
    }
  }
}
