package dev.berth.api.labels;

import java.util.Map;

/** Labels of volumes that clients write and the volumes service reads. */
public final class VolumeLabels {
  /**
   * Docker's label of a volume created without a name (an unnamed {@code -v /path}, {@code volume
   * create} alone): {@code volume prune} removes these unless asked for all, and {@code volume ls
   * --filter label=com.docker.volume.anonymous} lists them, as with Docker.
   */
  public static final String ANONYMOUS = "com.docker.volume.anonymous";

  /** The label Berth gave anonymous volumes before it took Docker's; such volumes are still anonymous. */
  static final String BERTH_ANONYMOUS = "io.berth.anonymous";

  private VolumeLabels() {}

  public static boolean isAnonymous(Map<String, String> labels) {
    return labels.containsKey(ANONYMOUS) || labels.containsKey(BERTH_ANONYMOUS);
  }
}
