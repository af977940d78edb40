package dev.berth.transfer.push;

import dev.berth.api.content.Blobs;
import dev.berth.api.grpc.BerthException;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.ImageConfig;
import dev.berth.client.images.Index;
import dev.berth.client.images.Manifest;
import dev.berth.client.images.MediaTypes;
import dev.berth.client.images.OciJson;
import dev.berth.client.images.Platform;
import dev.berth.transfer.registry.RegistryClient;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The manifests an image's target reaches in the content store, walking its indexes depth first,
 * and whether any it names is not here whole: what Docker 27's daemon looks at to choose what a
 * push sends (moby's walkReachableImageManifests and CheckContentAvailable).
 */
final class ManifestsHere {
  /** BuildKit's annotation on the manifests of its attestations, which are no image to push alone. */
  private static final String REFERENCE_TYPE = "vnd.docker.reference.type";
  /** Far beyond real image configs, as the client library reads them. */
  private static final long MAX_CONFIG_BYTES = 16L << 20;

  /** A manifest that is here with its config and every layer to push; {@code platform} its config's. */
  record Available(Descriptor descriptor, Platform platform, boolean attestation) {}

  private final List<Available> available = new ArrayList<>();
  private boolean anyMissing;

  private ManifestsHere() {}

  static ManifestsHere under(Blobs content, Descriptor target) {
    ManifestsHere here = new ManifestsHere();
    here.walk(content, target);
    return here;
  }

  /** The manifests here whole, in the order the indexes list them. */
  List<Available> available() {
    return available;
  }

  /** Whether a manifest or index the target reaches, or a config or layer of one, is not here. */
  boolean anyMissing() {
    return anyMissing;
  }

  private void walk(Blobs content, Descriptor d) {
    if (MediaTypes.isIndex(d.mediaType())) {
      Optional<byte[]> index = read(content, d, RegistryClient.MAX_MANIFEST_BYTES);
      if (index.isEmpty()) {
        anyMissing = true;
        return;
      }
      for (Descriptor child : OciJson.read(index.get(), Index.class, "index " + d.digest()).manifests()) {
        walk(content, child);
      }
    } else if (MediaTypes.isManifest(d.mediaType())) {
      Optional<byte[]> bytes = read(content, d, RegistryClient.MAX_MANIFEST_BYTES);
      if (bytes.isEmpty()) {
        anyMissing = true;
        return;
      }
      Manifest manifest = OciJson.read(bytes.get(), Manifest.class, "manifest " + d.digest());
      Optional<byte[]> config = manifest.config() == null ? Optional.empty()
          : read(content, manifest.config(), MAX_CONFIG_BYTES);
      boolean layersHere = manifest.layers().stream().filter(l -> !MediaTypes.isNonDistributable(l.mediaType()))
          .allMatch(l -> content.info(l.digest()).isPresent());
      if (config.isEmpty() || !layersHere) {
        anyMissing = true;
        return;
      }
      available.add(new Available(d, ImageConfig.parse(config.get()).platform(),
          d.annotations().containsKey(REFERENCE_TYPE)));
    }
  }

  /** A manifest, index or config's bytes, empty if the content store does not have them. */
  static Optional<byte[]> read(Blobs content, Descriptor d, long maxBytes) {
    try {
      return Optional.of(content.read(d.digest(), maxBytes));
    } catch (BerthException e) {
      if (e.code() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
