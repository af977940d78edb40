package dev.berth.client.images;

import dev.berth.api.labels.GcLabels;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link GcLabels gc.ref labels} by which a blob references its children, so that a garbage
 * collector following them from an image keeps everything the image needs.
 */
public final class GcRefs {
  private GcRefs() {}

  /**
   * The labels an index carries: every manifest it lists, by its position, whichever platforms
   * this machine holds, as containerd's pull labels them. Labels are merged over those a blob has,
   * so labelling only some would re-point {@code m.0} at another manifest and leave the one it named
   * to the collector.
   */
  public static Map<String, String> forIndex(Index index) {
    return forChildren(index.manifests());
  }

  /**
   * The labels a parent carries for {@code children}: the config as {@code ...config}, manifests
   * as {@code ...m.<i>}, layers as {@code ...l.<i>}, anything else as {@code ...<i>}, each prefix
   * counting on its own.
   */
  public static Map<String, String> forChildren(List<Descriptor> children) {
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
      return GcLabels.CONFIG;
    }
    if (MediaTypes.isManifest(mediaType)) {
      return GcLabels.MANIFEST_PREFIX;
    }
    if (MediaTypes.isLayer(mediaType)) {
      return GcLabels.LAYER_PREFIX;
    }
    return GcLabels.CONTENT_PREFIX;
  }
}
