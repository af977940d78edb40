package dev.berth.transfer.push;

import dev.berth.api.content.Blobs;
import dev.berth.api.grpc.Errors;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.Index;
import dev.berth.client.images.Manifest;
import dev.berth.client.images.MediaTypes;
import dev.berth.client.images.OciJson;
import dev.berth.transfer.registry.RegistryClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a push of one manifest or index sends, read from the content store: the blobs
 * (configs and distributable layers) and the manifests and indexes, each of these after the ones
 * it lists, so that a registry that checks references finds them.
 */
final class PushContent {
  /** A manifest or index to put: its descriptor and bytes. */
  record Document(Descriptor descriptor, byte[] bytes) {}

  private final Blobs content;
  private final Map<String, Descriptor> blobs = new LinkedHashMap<>();
  private final Map<String, Document> documents = new LinkedHashMap<>();
  private String missing;

  private PushContent(Blobs content) {
    this.content = content;
  }

  /** What pushing {@code top} sends, or the digest of the first thing it names that is not here. */
  static PushContent of(Blobs content, Descriptor top) {
    PushContent c = new PushContent(content);
    c.add(top);
    return c;
  }

  /** The first manifest, index, config or layer the push needs that the content store lacks. */
  Optional<String> missing() {
    return Optional.ofNullable(missing);
  }

  Iterable<Descriptor> blobs() {
    return blobs.values();
  }

  /** The manifests and indexes, those listed before those listing them; the pushed one last. */
  List<Document> documents() {
    return new ArrayList<>(documents.values());
  }

  private void add(Descriptor d) {
    if (missing != null || documents.containsKey(d.digest())) {
      return;
    }
    boolean index = MediaTypes.isIndex(d.mediaType());
    if (!index && !MediaTypes.isManifest(d.mediaType())) {
      throw Errors.failedPrecondition("%s is a %s, which cannot be pushed as an image", d.digest(), d.mediaType());
    }
    Optional<byte[]> bytes = ManifestsHere.read(content, d, RegistryClient.MAX_MANIFEST_BYTES);
    if (bytes.isEmpty()) {
      missing = d.digest();
      return;
    }
    if (index) {
      for (Descriptor child : OciJson.read(bytes.get(), Index.class, "index " + d.digest()).manifests()) {
        if (MediaTypes.isIndex(child.mediaType()) || MediaTypes.isManifest(child.mediaType())) {
          add(child);
        }
      }
    } else {
      Manifest manifest = OciJson.read(bytes.get(), Manifest.class, "manifest " + d.digest());
      if (manifest.config() == null) {
        throw Errors.failedPrecondition("manifest %s names no config", d.digest());
      }
      blob(manifest.config());
      manifest.layers().stream().filter(l -> !MediaTypes.isNonDistributable(l.mediaType())).forEach(this::blob);
    }
    if (missing == null) {
      documents.put(d.digest(), new Document(d, bytes.get()));
    }
  }

  private void blob(Descriptor d) {
    if (missing == null && !blobs.containsKey(d.digest())) {
      if (content.info(d.digest()).isEmpty()) {
        missing = d.digest();
        return;
      }
      blobs.put(d.digest(), d);
    }
  }
}
