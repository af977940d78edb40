package dev.berth.ctl.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The decoder against another implementation's encoder (Netty's, which grpc-java servers use):
 * every byte value Huffman-coded, the dynamic table with its evictions and size updates, never
 * indexed fields; and the blocks it must refuse.
 */
class HpackDecoderTest {
  /** Netty's encoder, Huffman-coding every string it can shorten (its default spares those under 512 bytes). */
  private final DefaultHttp2HeadersEncoder encoder = new DefaultHttp2HeadersEncoder(
      (name, value) -> name.toString().startsWith("secret"), false, 16, 0);
  private final HpackDecoder decoder = new HpackDecoder(1 << 20);

  @Test
  void decodesEveryByteValueHuffmanCodedAndRefersToTheDynamicTable() throws Exception {
    Http2Headers headers = new DefaultHttp2Headers(false);
    headers.status("200");
    for (int b = 0; b < 256; b++) {
      // padded with a frequent letter, so that the Huffman form is shorter and the encoder takes it
      byte[] value = ("eeeeeeeeeeeeeeee" + (char) b + "eeeeeeeeeeeeeeee").getBytes(StandardCharsets.ISO_8859_1);
      headers.add(new AsciiString("x-byte-" + b), new AsciiString(value));
    }
    headers.add("secret-token", "never indexed");
    List<String> expected = fields(headers);
    byte[] first = encode(headers);
    // literal, each field would take 1 + 1 + 9 + 1 + 33 bytes
    assertTrue(first.length < 256 * 40, "the encoder Huffman-coded the values (" + first.length + " bytes)");
    assertEquals(expected, decoded(first));
    // the table now holds the newest of them (4 KiB): a block of a few is indexed references
    Http2Headers few = new DefaultHttp2Headers(false);
    few.status("200");
    few.add("content-type", "application/grpc");
    few.add("x-byte-255", headers.get("x-byte-255"));
    few.add("grpc-encoding", "identity");
    byte[] once = encode(few);
    byte[] again = encode(few);
    assertTrue(again.length <= 5 && again.length < once.length, "indexed: " + again.length + " bytes");
    assertEquals(fields(few), decoded(once));
    assertEquals(fields(few), decoded(again));
  }

  @Test
  void followsTheEncodersTableSizeUpdatesAndEvictions() throws Exception {
    encoder.configuration().maxHeaderTableSize(200);
    for (int round = 0; round < 20; round++) {
      Http2Headers headers = new DefaultHttp2Headers(false);
      headers.status(round % 2 == 0 ? "200" : "404");
      headers.add("content-type", "application/grpc");
      headers.add("x-round", "value of round " + round % 3);
      headers.add("grpc-message", "message " + round % 5);
      assertEquals(fields(headers), decoded(encode(headers)), "round " + round);
      if (round == 10) {
        encoder.configuration().maxHeaderTableSize(0);
      }
    }
  }

  @Test
  void refusesBlocksThatBreakTheRules() {
    // an index past both tables
    assertThrows(HpackDecoder.HpackException.class, () -> decoder.decode(new byte[] {(byte) 0xff, 0x10}));
    // a string longer than its block
    assertThrows(HpackDecoder.HpackException.class, () -> decoder.decode(new byte[] {0x00, 0x05, 'a'}));
    // Huffman padding that is not the start of EOS: '0' (00000) padded with 000
    assertThrows(HpackDecoder.HpackException.class, () -> decoder.decode(new byte[] {0x00, (byte) 0x81, 0x00, 0x00}));
    // a table larger than allowed
    assertThrows(HpackDecoder.HpackException.class, () -> decoder.decode(new byte[] {0x3f, (byte) 0xe1, 0x3f}));
  }

  private byte[] encode(Http2Headers headers) throws Exception {
    ByteBuf out = Unpooled.buffer();
    encoder.encodeHeaders(3, headers, out);
    return ByteBufUtil.getBytes(out);
  }

  private List<String> decoded(byte[] block) throws HpackDecoder.HpackException {
    List<String> fields = new ArrayList<>();
    for (byte[][] f : decoder.decode(block)) {
      fields.add(new String(f[0], StandardCharsets.ISO_8859_1) + ": " + new String(f[1], StandardCharsets.ISO_8859_1));
    }
    return fields;
  }

  private static List<String> fields(Http2Headers headers) {
    List<String> fields = new ArrayList<>();
    headers.forEach(e -> fields.add(e.getKey() + ": " + e.getValue()));
    return fields;
  }
}
