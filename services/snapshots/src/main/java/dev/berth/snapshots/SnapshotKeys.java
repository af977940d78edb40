package dev.berth.snapshots;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;

/**
 * Snapshot keys and names are free-form strings (containerd's clients use digests and paths
 * such as {@code default/3/sha256:...}); they are stored, never used as paths. Only empty
 * ones and control characters are refused.
 */
public final class SnapshotKeys {
  private SnapshotKeys() {}

  public static String validate(String what, String key) {
    if (key == null || key.isEmpty()) {
      throw Errors.invalidArgument("snapshot %s must not be empty", what);
    }
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c < 0x20 || c == 0x7f) {
        throw Errors.invalidArgument("snapshot %s %s contains a control character", what, Identifiers.printable(key));
      }
    }
    return key;
  }
}
