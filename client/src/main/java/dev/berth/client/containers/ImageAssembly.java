package dev.berth.client.containers;

import dev.berth.api.Digests;
import dev.berth.api.content.Blobs;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.GcRefs;
import dev.berth.client.images.OciJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The blobs of an image made here (commit, import): a JSON blob stored, and a manifest over a config and layers. */
public final class ImageAssembly {
  private ImageAssembly() {}

  /** Stores {@code bytes}; a blob the store held already gets the labels too. */
  public static Descriptor store(Blobs blobs, String mediaType, byte[] bytes, Map<String, String> labels) {
    Blobs.Written written = blobs.write(Digests.sha256(bytes), bytes, labels);
    if (written.existed() && !labels.isEmpty()) {
      blobs.label(written.digest(), labels);
    }
    return Descriptor.of(mediaType, written.digest(), written.size());
  }

  /** Stores the manifest of {@code config} and {@code layers}, labelled to keep them from the garbage collector. */
  public static Descriptor manifest(Blobs blobs, String mediaType, Descriptor config, List<Descriptor> layers) {
    Map<String, Object> manifest = new LinkedHashMap<>();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", mediaType);
    manifest.put("config", json(config));
    manifest.put("layers", layers.stream().map(ImageAssembly::json).toList());
    List<Descriptor> children = new ArrayList<>(layers);
    children.add(0, config);
    return store(blobs, mediaType, OciJson.bytes(manifest), GcRefs.forChildren(children));
  }

  private static Map<String, Object> json(Descriptor d) {
    return Map.of("mediaType", d.mediaType(), "digest", d.digest(), "size", d.size());
  }
}
