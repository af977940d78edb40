package dev.berth.content.file;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;
import dev.berth.common.store.Labels;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** containerd's field-mask rules for changing a blob's labels, checked before anything changes. */
final class LabelUpdate {
  private static final String LABELS = "labels";
  private static final String LABEL_PREFIX = "labels.";

  private LabelUpdate() {}

  /**
   * The change {@code fieldPaths} asks for: none or {@code labels} replaces all labels with
   * {@code given}; {@code labels.<key>} sets that key, or removes it when {@code given} has no
   * value for it. INVALID_ARGUMENT for any other path.
   */
  static UnaryOperator<Map<String, String>> of(String digest, Map<String, String> given, List<String> fieldPaths) {
    Labels.validate(given);
    boolean replaceAll = fieldPaths.isEmpty();
    List<String> keys = new ArrayList<>();
    for (String path : fieldPaths) {
      if (path.equals(LABELS)) {
        replaceAll = true;
      } else if (path.startsWith(LABEL_PREFIX) && path.length() > LABEL_PREFIX.length()) {
        keys.add(path.substring(LABEL_PREFIX.length()));
      } else {
        throw Errors.invalidArgument("cannot update field %s of content %s: only labels can change",
            Identifiers.printable(path), digest);
      }
    }
    boolean all = replaceAll;
    return current -> {
      Map<String, String> labels = new TreeMap<>(all ? given : current);
      for (String key : keys) {
        String value = given.get(key);
        if (value == null || value.isEmpty()) {
          labels.remove(key);
        } else {
          labels.put(key, value);
        }
      }
      return labels;
    };
  }
}
