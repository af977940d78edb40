package dev.berth.transfer.push;

import dev.berth.api.content.Blobs;
import dev.berth.client.images.ContentHere;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.ImageConfig;
import dev.berth.client.images.MediaTypes;
import dev.berth.client.images.Platform;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifests an image's target reaches that are here whole, and whether any it reaches is
 * not: what Docker 27's daemon looks at to choose one manifest of an index to push (moby's
 * walkReachableImageManifests and CheckContentAvailable). An index that is not here hides what it
 * lists, as it does from moby's walk.
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
    ContentHere.walk(content, target, new ContentHere.Visitor() {
      @Override
      public void manifestHere(ContentHere.ManifestHere m) {
        if (!m.whole()) {
          here.anyMissing = true;
          return;
        }
        Platform platform = ImageConfig.parse(content.read(m.manifest().config().digest(), MAX_CONFIG_BYTES))
            .platform();
        here.available.add(new Available(m.descriptor(), platform,
            m.descriptor().annotations().containsKey(REFERENCE_TYPE)));
      }

      @Override
      public void notHere(Descriptor document) {
        if (MediaTypes.isManifest(document.mediaType())) {
          here.anyMissing = true;
        }
      }
    });
    return here;
  }

  /** The manifests here whole, in the order the indexes list them. */
  List<Available> available() {
    return available;
  }

  /** Whether a manifest the target reaches, or a config or layer of one, is not here. */
  boolean anyMissing() {
    return anyMissing;
  }
}
