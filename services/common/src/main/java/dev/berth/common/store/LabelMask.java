package dev.berth.common.store;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * containerd's field-mask rules for an Update request's labels, the same for every record that
 * carries them (blobs, namespaces, images, snapshots, containers): no paths at all, or the path
 * {@value #LABELS}, replace the labels with the requested ones; {@code labels.<key>} sets that key
 * to the requested value, or removes it when the request has none or an empty one. A path the
 * record does not know is INVALID_ARGUMENT, with {@link #unknownPath one text}.
 */
public final class LabelMask {
  public static final String LABELS = "labels";
  private static final String PREFIX = "labels.";

  private LabelMask() {}

  /** Whether {@code path} is a label path: {@value #LABELS} or {@code labels.<key>}. */
  public static boolean covers(String path) {
    return path.equals(LABELS) || (path.startsWith(PREFIX) && path.length() > PREFIX.length());
  }

  /**
   * The labels after the mask's label paths (other paths are the caller's): {@code current}
   * replaced by {@code requested} when {@code paths} is empty or holds {@value #LABELS}, then each
   * {@code labels.<key>} applied.
   */
  public static Map<String, String> apply(Map<String, String> current, Map<String, String> requested,
      List<String> paths) {
    Map<String, String> labels = new TreeMap<>(paths.isEmpty() || paths.contains(LABELS) ? requested : current);
    for (String path : paths) {
      if (covers(path) && !path.equals(LABELS)) {
        String key = path.substring(PREFIX.length());
        String value = requested.get(key);
        if (value == null || value.isEmpty()) {
          labels.remove(key);
        } else {
          labels.put(key, value);
        }
      }
    }
    return labels;
  }

  /** INVALID_ARGUMENT for the first path that is not a label path, for records whose labels alone change. */
  public static void requireOnlyLabels(String kind, String name, List<String> paths) {
    for (String path : paths) {
      if (!covers(path)) {
        throw unknownPath(kind, name, path);
      }
    }
  }

  /** The INVALID_ARGUMENT for a mask path the {@code kind} record {@code name} has no field for. */
  public static RuntimeException unknownPath(String kind, String name, String path) {
    return Errors.invalidArgument("cannot update field %s of %s %s", Identifiers.printable(path), kind,
        Identifiers.printable(name));
  }
}
