package dev.berth.client.images;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.berth.client.ClientException;
import java.io.IOException;

/**
 * JSON of manifests, indexes and archive files. Written compact with map keys sorted, so the
 * same image always gives the same bytes and digest; read leniently, since other tools add fields.
 */
public final class OciJson {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);

  private OciJson() {}

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** {@code json} as {@code type}; {@code what} names it in the error if it is not that. */
  public static <T> T read(byte[] json, Class<T> type, String what) {
    try {
      T value = MAPPER.readValue(json, type);
      if (value == null) {
        throw new ClientException(what + " is JSON null");
      }
      return value;
    } catch (IOException e) {
      throw new ClientException(what + " is not a valid " + type.getSimpleName() + ": " + detail(e), e);
    }
  }

  public static JsonNode tree(byte[] json, String what) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new ClientException(what + " is not valid JSON: " + detail(e), e);
    }
  }

  private static String detail(IOException e) {
    return e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
  }
}
