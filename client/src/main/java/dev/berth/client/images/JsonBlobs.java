package dev.berth.client.images;

import dev.berth.api.content.Blobs;
import dev.berth.api.grpc.BerthException;
import dev.berth.client.ClientException;
import io.grpc.Status;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the small JSON blobs of an image (indexes, manifests, configs) from the content store,
 * or from what an import already holds in memory, checking each against its descriptor.
 */
final class JsonBlobs {
  /** Far beyond real manifests and configs; a bigger "manifest" is no manifest. */
  static final long MAX_JSON_BYTES = 16L << 20;

  private final Blobs content;
  private final Map<String, byte[]> known;

  /** {@code known}: blobs by digest already in memory (their digests were checked when stored). */
  JsonBlobs(Blobs content, Map<String, byte[]> known) {
    this.content = content;
    this.known = known;
  }

  JsonBlobs(Blobs content) {
    this(content, Map.of());
  }

  byte[] bytes(Descriptor d) {
    return bytesIfHere(d).orElseThrow(() -> new ClientException(describe(d) + " is not in the content store"));
  }

  /** The blob's bytes, checked against its descriptor; empty when the content store does not have it. */
  Optional<byte[]> bytesIfHere(Descriptor d) {
    byte[] data = known.get(d.digest());
    if (data == null) {
      if (d.size() > MAX_JSON_BYTES) {
        throw new ClientException(d.mediaType() + " " + d.digest() + " is " + d.size()
            + " bytes, too big for image metadata");
      }
      try {
        data = content.read(d.digest(), MAX_JSON_BYTES);
      } catch (BerthException e) {
        if (e.code() == Status.Code.NOT_FOUND) {
          return Optional.empty();
        }
        throw e;
      }
    }
    if (data.length != d.size()) {
      throw new ClientException("blob " + d.digest() + " holds " + data.length
          + " bytes but its descriptor says " + d.size());
    }
    return Optional.of(data);
  }

  static String describe(Descriptor d) {
    String kind = MediaTypes.isIndex(d.mediaType()) ? "index" : MediaTypes.isManifest(d.mediaType()) ? "manifest"
        : MediaTypes.isConfig(d.mediaType()) ? "image config" : MediaTypes.isLayer(d.mediaType()) ? "layer" : "blob";
    return kind + " " + d.digest();
  }

  Index index(Descriptor d) {
    return index(d, bytes(d));
  }

  /** {@code bytes}, read for index {@code d}, parsed. */
  static Index index(Descriptor d, byte[] bytes) {
    return OciJson.read(bytes, Index.class, "index " + d.digest());
  }

  Manifest manifest(Descriptor d) {
    return manifest(d, bytes(d));
  }

  /** {@code bytes}, read for manifest {@code d}, parsed; a manifest must name a config. */
  static Manifest manifest(Descriptor d, byte[] bytes) {
    Manifest m = OciJson.read(bytes, Manifest.class, "manifest " + d.digest());
    if (m.config() == null) {
      throw new ClientException("manifest " + d.digest() + " names no config");
    }
    return m;
  }

  ImageConfig config(Descriptor d) {
    return ImageConfig.parse(bytes(d), "image config " + d.digest());
  }
}
