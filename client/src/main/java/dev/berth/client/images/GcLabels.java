package dev.berth.client.images;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The labels by which a blob references its children, so that a garbage collector following them
 * from an image keeps everything the image needs (containerd's {@code containerd.io/gc.ref.*}).
 */
public final class GcLabels {
  public static final String CONTENT_PREFIX = "containerd.io/gc.ref.content.";
  public static final String CONFIG = CONTENT_PREFIX + "config";
  public static final String MANIFEST_PREFIX = CONTENT_PREFIX + "m.";
  public static final String LAYER_PREFIX = CONTENT_PREFIX + "l.";
  /** On a layer blob: the digest of its uncompressed tar, its diff ID. */
  public static final String UNCOMPRESSED = "containerd.io/uncompressed";
  /** On an extraction snapshot and the snapshot it is committed as: the chain ID it unpacks. */
  public static final String SNAPSHOT_REF = "containerd.io/snapshot.ref";

  private GcLabels() {}

  /** On an image config: the snapshot its layers are unpacked to, in {@code snapshotter}. */
  public static String snapshotRef(String snapshotter) {
    return "containerd.io/gc.ref.snapshot." + snapshotter;
  }

  /**
   * The labels a parent carries for {@code children}: the config as {@code ...config}, manifests
   * as {@code ...m.<i>}, layers as {@code ...l.<i>}, anything else as {@code ...<i>}, each prefix
   * counting on its own.
   */
  static Map<String, String> forChildren(List<Descriptor> children) {
    Map<String, String> labels = new LinkedHashMap<>();
    Map<String, Integer> counts = new HashMap<>();
    for (Descriptor child : children) {
      String key = keyFor(child.mediaType());
      int n = counts.merge(key, 1, Integer::sum) - 1;
      if (n > 0 || key.endsWith(".")) {
        key = key + n;
      }
      labels.put(key, child.digest());
    }
    return labels;
  }

  private static String keyFor(String mediaType) {
    if (MediaTypes.isConfig(mediaType)) {
      return CONFIG;
    }
    if (MediaTypes.isManifest(mediaType)) {
      return MANIFEST_PREFIX;
    }
    if (MediaTypes.isLayer(mediaType)) {
      return LAYER_PREFIX;
    }
    return CONTENT_PREFIX;
  }
}
