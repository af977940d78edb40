package dev.berth.client.images;

import dev.berth.client.ClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Finds the manifest for one platform under an image's target, walking nested indexes. */
final class ImageResolver {
  private final JsonBlobs blobs;
  private final Platform platform;

  ImageResolver(JsonBlobs blobs, Platform platform) {
    this.blobs = blobs;
    this.platform = platform;
  }

  /**
   * A manifest target is taken as it is, whatever its platform (as containerd does); an index
   * gives its first manifest for the platform.
   */
  ResolvedImage resolve(Descriptor target) {
    if (MediaTypes.isManifest(target.mediaType())) {
      return new ResolvedImage(List.of(), target, blobs.manifest(target));
    }
    if (MediaTypes.isIndex(target.mediaType())) {
      return fromIndex(target, List.of()).orElseThrow(() -> new ClientException(
          "image index " + target.digest() + " has no manifest for " + platform));
    }
    throw new ClientException("cannot use " + target.digest() + " of media type \"" + target.mediaType()
        + "\" as an image: neither a manifest nor an index");
  }

  private Optional<ResolvedImage> fromIndex(Descriptor index, List<Descriptor> above) {
    List<Descriptor> path = new ArrayList<>(above);
    path.add(index);
    for (Descriptor child : blobs.index(index).manifests()) {
      if (child.platform() != null && !platform.matches(child.platform())) {
        continue;
      }
      if (MediaTypes.isIndex(child.mediaType())) {
        Optional<ResolvedImage> nested = fromIndex(child, path);
        if (nested.isPresent()) {
          return nested;
        }
      } else if (MediaTypes.isManifest(child.mediaType())) {
        Manifest manifest = blobs.manifest(child);
        if (child.platform() == null && !runsHere(manifest)) {
          continue;
        }
        return Optional.of(new ResolvedImage(path, child, manifest));
      }
    }
    return Optional.empty();
  }

  /** A manifest the index gives no platform for is judged by its config, when that names one. */
  private boolean runsHere(Manifest manifest) {
    Platform configured = blobs.config(manifest.config()).platform();
    return configured.os().isEmpty() || platform.matches(configured);
  }
}
