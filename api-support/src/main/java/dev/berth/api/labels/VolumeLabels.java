package dev.berth.api.labels;

import java.util.Map;

/** Labels of volumes that clients write and the volumes service reads. */
public final class VolumeLabels {
  /**
   * Marks a volume a container created for an unnamed {@code -v /path}: {@code volume prune}
   * removes these unless asked for all, as Docker does with its own anonymous label.
   */
  public static final String ANONYMOUS = "io.berth.anonymous";

  private VolumeLabels() {}

  public static boolean isAnonymous(Map<String, String> labels) {
    return labels.containsKey(ANONYMOUS);
  }
}
