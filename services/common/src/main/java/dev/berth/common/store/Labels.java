package dev.berth.common.store;

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

  private Labels() {}

  public static String toJson(Map<String, String> labels) {
    return JsonColumns.writeMap(new TreeMap<>(labels));
  }

  public static Map<String, String> fromJson(String json) {
    if (json == null || json.isEmpty()) {
      return new TreeMap<>();
    }
    try {
      return JsonColumns.readMap(json);
    } catch (JsonColumns.MalformedColumnException e) {
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
