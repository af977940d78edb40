package dev.berth.client.spec;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;

/**
 * The spec's uint64 numbers held in a long of the same bits, so that RLIM_INFINITY (2^64-1, Docker's
 * -1) is written as the number runc expects rather than as -1, which it cannot read.
 */
final class UnsignedLongJson {
  private UnsignedLongJson() {}

  static String write(long value) {
    return Long.toUnsignedString(value);
  }

  static long read(JsonParser p) throws IOException {
    return p.getBigIntegerValue().longValue();
  }

  static final class Serializer extends StdSerializer<Long> {
    Serializer() {
      super(Long.class);
    }

    @Override
    public void serialize(Long value, JsonGenerator g, SerializerProvider provider) throws IOException {
      g.writeNumber(write(value));
    }
  }

  static final class Deserializer extends StdDeserializer<Long> {
    Deserializer() {
      super(Long.class);
    }

    @Override
    public Long deserialize(JsonParser p, DeserializationContext context) throws IOException {
      return read(p);
    }
  }
}
