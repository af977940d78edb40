package dev.berth.client.images;

import dev.berth.api.content.Blobs;
import dev.berth.client.ClientException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns a docker save archive's manifest.json into what the content store keeps for images, as
 * containerd does: a Docker schema 2 manifest per image (layer media types from their actual
 * compression), and an OCI index naming one manifest descriptor per RepoTag.
 */
final class DockerArchiveIndex {
  private final Blobs content;
  private final String refPrefix;

  DockerArchiveIndex(Blobs content, String refPrefix) {
    this.content = content;
    this.refPrefix = refPrefix;
  }

  /**
   * Writes the manifests and the index; returns the index's descriptor. Their bytes go into
   * {@code known}, where {@code blobs} also finds them.
   */
  Descriptor write(ArchiveContents archive, JsonBlobs blobs, Map<String, byte[]> known) {
    DockerManifestEntry[] entries = OciJson.read(archive.dockerManifest(), DockerManifestEntry[].class,
        ArchiveReader.DOCKER_MANIFEST);
    List<Descriptor> manifests = new ArrayList<>();
    for (DockerManifestEntry entry : entries) {
      ArchiveContents.StoredFile configFile = file(archive, entry.config(), "image config");
      Descriptor config = Descriptor.of(MediaTypes.DOCKER_CONFIG, configFile.digest(), configFile.size());
      List<Descriptor> layers = new ArrayList<>();
      for (String path : entry.layers()) {
        ArchiveContents.StoredFile layer = file(archive, path, "layer");
        layers.add(Descriptor.of(layerMediaType(layer.compression()), layer.digest(), layer.size()));
      }
      byte[] bytes = OciJson.bytes(new Manifest(2, MediaTypes.DOCKER_MANIFEST, config, layers, Map.of()));
      Descriptor manifest = store(MediaTypes.DOCKER_MANIFEST, bytes, known);
      Platform platform = blobs.config(config).platform();
      if (!platform.os().isEmpty() && !platform.architecture().isEmpty()) {
        manifest = manifest.withPlatform(platform);
      }
      if (entry.repoTags().isEmpty()) {
        manifests.add(manifest);
      }
      for (String tag : entry.repoTags()) {
        String name = normalized(tag);
        manifests.add(manifest.withAnnotations(Map.of(
            Descriptor.IMAGE_NAME_ANNOTATION, name,
            Descriptor.REF_NAME_ANNOTATION, ImageNames.ociRefName(name))));
      }
    }
    return store(MediaTypes.OCI_INDEX, OciJson.bytes(new Index(2, MediaTypes.OCI_INDEX, manifests, Map.of())),
        known);
  }

  private Descriptor store(String mediaType, byte[] bytes, Map<String, byte[]> known) {
    Blobs.Written written = content.write(refPrefix + mediaType, bytes, Map.of());
    known.put(written.digest(), bytes);
    return Descriptor.of(mediaType, written.digest(), bytes.length);
  }

  private static ArchiveContents.StoredFile file(ArchiveContents archive, String path, String what) {
    ArchiveContents.StoredFile file = path == null ? null : archive.file(path);
    if (file == null) {
      throw new ClientException(ArchiveReader.DOCKER_MANIFEST + " names " + what + " " + path
          + ", which the archive does not hold");
    }
    return file;
  }

  private static String normalized(String tag) {
    try {
      return ImageNames.normalize(tag);
    } catch (IllegalArgumentException e) {
      throw new ClientException(ArchiveReader.DOCKER_MANIFEST + ": " + e.getMessage(), e);
    }
  }

  private static String layerMediaType(Compression compression) {
    return switch (compression) {
      case NONE -> MediaTypes.DOCKER_LAYER;
      case GZIP -> MediaTypes.DOCKER_LAYER_GZIP;
      case ZSTD -> MediaTypes.DOCKER_LAYER_ZSTD;
    };
  }
}
