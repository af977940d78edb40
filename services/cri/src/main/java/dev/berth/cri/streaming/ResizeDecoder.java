package dev.berth.cri.streaming;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.BiConsumer;

/**
 * The resize stream: JSON objects one after another ({"Width":80,"Height":24}, the field names
 * matched regardless of case as Go's decoder does), split anywhere between frames.
 */
final class ResizeDecoder {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
  private final BiConsumer<Integer, Integer> resize;

  ResizeDecoder(BiConsumer<Integer, Integer> resize) {
    this.resize = resize;
  }

  void feed(byte[] data) {
    for (byte b : data) {
      pending.write(b);
      if (b == '}') {
        decode(pending.toByteArray());
        pending.reset();
      }
    }
  }

  private void decode(byte[] object) {
    try {
      JsonNode size = JSON.readTree(object);
      int width = field(size, "width");
      int height = field(size, "height");
      if (width > 0 && height > 0) {
        resize.accept(width, height);
      }
    } catch (IOException e) {
      // not a size: the next object may be
    }
  }

  private static int field(JsonNode size, String name) {
    for (var it = size.fields(); it.hasNext(); ) {
      var f = it.next();
      if (f.getKey().equalsIgnoreCase(name)) {
        return f.getValue().asInt();
      }
    }
    return 0;
  }
}
