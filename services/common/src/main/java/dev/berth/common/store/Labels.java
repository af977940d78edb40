package dev.berth.common.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.grpc.Errors;
import java.util.Map;
import java.util.TreeMap;

/**
 * Labels (and other string maps such as annotations) as stored in a text column, plus
 * containerd's limits on them.
 */
public final class Labels {
  /** containerd refuses a label whose key and value together exceed 4 KiB. */
  public static final int MAX_LABEL_BYTES = 4096;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<TreeMap<String, String>> MAP = new TypeReference<>() {};

  private Labels() {}

  public static String toJson(Map<String, String> labels) {
    try {
      return JSON.writeValueAsString(new TreeMap<>(labels));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static Map<String, String> fromJson(String json) {
    if (json == null || json.isEmpty()) {
      return new TreeMap<>();
    }
    try {
      return JSON.readValue(json, MAP);
    } catch (JsonProcessingException e) {
      throw Errors.internal(e, "corrupt label column: %s", e.getMessage());
    }
  }

  /** Refuses empty keys and oversize labels with INVALID_ARGUMENT. */
  public static Map<String, String> validate(Map<String, String> labels) {
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (e.getKey().isEmpty()) {
        throw Errors.invalidArgument("label key must not be empty");
      }
      if (e.getKey().length() + e.getValue().length() > MAX_LABEL_BYTES) {
        throw Errors.invalidArgument("label %.40s is longer than %d bytes", e.getKey(), MAX_LABEL_BYTES);
      }
    }
    return labels;
  }
}
