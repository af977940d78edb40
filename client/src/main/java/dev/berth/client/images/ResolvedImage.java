package dev.berth.client.images;

import java.util.List;

/**
 * An image's content for one platform: the indexes walked from its target (none if the target is
 * a manifest), the manifest chosen, and through it the config and layers.
 */
public record ResolvedImage(List<Descriptor> indexes, Descriptor manifestDescriptor, Manifest manifest) {
  public ResolvedImage {
    indexes = List.copyOf(indexes);
  }

  public Descriptor config() {
    return manifest.config();
  }

  public List<Descriptor> layers() {
    return manifest.layers();
  }

  /** The bytes of every blob the image is made of here: indexes, manifest, config and layers. */
  public long size() {
    long size = manifestDescriptor.size() + config().size();
    for (Descriptor d : indexes) {
      size += d.size();
    }
    for (Descriptor d : layers()) {
      size += d.size();
    }
    return size;
  }
}
