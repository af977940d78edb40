package dev.berth.ctl.transport;

import io.grpc.InternalMetadata;
import io.grpc.Metadata;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * HPACK for one connection. Requests are written as literal fields without indexing, which every
 * decoder takes and which keeps no table on either side; answers are decoded by Netty's HPACK
 * decoder (Huffman strings, the dynamic table), whose few classes load cheaply next to the rest
 * of Netty's HTTP/2 codec.
 */
final class HeaderBlocks {
  /** Header lists larger than this (a long grpc-message, say) fail the connection. */
  static final int MAX_HEADER_LIST_BYTES = 1 << 20;

  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false, MAX_HEADER_LIST_BYTES);

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
  Decoded decode(int streamId, byte[] block) throws Http2Exception {
    Http2Headers headers = decoder.decodeHeaders(streamId, Unpooled.wrappedBuffer(block));
    List<byte[]> pairs = new ArrayList<>(headers.size() * 2);
    CharSequence status = headers.status();
    for (Map.Entry<CharSequence, CharSequence> field : headers) {
      String name = field.getKey().toString();
      if (name.startsWith(":")) {
        continue;
      }
      byte[] value = field.getValue().toString().getBytes(StandardCharsets.ISO_8859_1);
      pairs.add(name.getBytes(StandardCharsets.US_ASCII));
      pairs.add(name.endsWith(Metadata.BINARY_HEADER_SUFFIX) ? Base64.getDecoder().decode(value) : value);
    }
    return new Decoded(status == null ? null : status.toString(), pairs);
  }

  /** A decoded block: the HTTP status (null in trailers) and the metadata's name and value pairs. */
  record Decoded(String httpStatus, List<byte[]> pairs) {
    Metadata metadata() {
      return InternalMetadata.newMetadata(pairs.size() / 2, pairs.toArray(byte[][]::new));
    }
  }
}
