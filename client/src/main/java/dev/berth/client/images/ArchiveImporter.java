package dev.berth.client.images;

import dev.berth.api.content.Blobs;
import dev.berth.client.ClientException;
import io.grpc.Channel;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongConsumer;
import java.util.function.UnaryOperator;
import java.util.logging.Logger;

/**
 * Imports an image archive, docker save or OCI image layout, the way containerd's importer does:
 * its files become blobs, a Docker archive gets manifests and an index synthesized, every index
 * and manifest is labelled with references to its children, and each named manifest of the
 * top index is an image to record (created, or its target updated) once the caller has checked
 * and unpacked it.
 */
final class ArchiveImporter {
  private static final Logger LOG = Logger.getLogger(ArchiveImporter.class.getName());

  /** The only OCI image layout version there is. */
  static final String LAYOUT_VERSION = "1.0.0";

  private final Blobs content;
  private final Platform platform;

  /** {@code channel} carries the namespace and the lease that protects the import. */
  ArchiveImporter(Channel channel, Platform platform) {
    this.content = Blobs.on(channel);
    this.platform = platform;
  }

  /** The archive's top index, the image records to make of it, and its JSON blobs for what comes next. */
  record Imported(Descriptor index, List<Image> images, JsonBlobs blobs) {}

  /**
   * @param nameOf the image name for an OCI reference name that is only a tag
   * @param progress told the archive bytes read so far
   */
  Imported importArchive(InputStream archive, UnaryOperator<String> nameOf, LongConsumer progress)
      throws IOException {
    String refPrefix = "import-" + UUID.randomUUID() + "/";
    ArchiveContents contents = new ArchiveReader(content, refPrefix).read(archive, progress);
    Map<String, byte[]> known = new HashMap<>(contents.json());
    JsonBlobs blobs = new JsonBlobs(content, known);
    Descriptor index;
    if (contents.layoutVersion() != null) {
      index = ociIndex(contents);
    } else if (contents.dockerManifest() != null) {
      index = new DockerArchiveIndex(content, refPrefix).write(contents, blobs, known);
    } else {
      throw new ClientException("not an image archive: it holds neither " + ArchiveReader.OCI_LAYOUT
          + " (OCI image layout) nor " + ArchiveReader.DOCKER_MANIFEST + " (docker save)");
    }
    Set<String> visited = new HashSet<>();
    List<Other> others = new ArrayList<>();
    link(index, null, nameOf, blobs, contents.digests(), visited, others);
    keepOthers(others, blobs, contents.digests(), visited);
    List<Image> named = new ArrayList<>();
    for (Descriptor manifest : blobs.index(index).manifests()) {
      String name = imageName(manifest.annotations(), nameOf);
      if (name != null) {
        named.add(new Image(name, manifest, Map.of(), null, null));
      }
      if (name == null || !ImageNames.isValid(name)) {
        // as Docker 27's load (containerd's WithDigestRef, moby's dangling name): a manifest
        // without a usable name is kept as an untagged image, by id
        named.add(new Image(ImageNames.DANGLING_REPOSITORY + "@" + manifest.digest(), manifest, Map.of(), null,
            null));
      }
    }
    return new Imported(index, named, blobs);
  }

  private static Descriptor ociIndex(ArchiveContents contents) {
    if (!contents.layoutVersion().equals(LAYOUT_VERSION)) {
      throw new ClientException("unsupported OCI image layout version " + contents.layoutVersion()
          + " (supported: " + LAYOUT_VERSION + ")");
    }
    ArchiveContents.StoredFile index = contents.files().get(ArchiveReader.OCI_INDEX);
    if (index == null) {
      throw new ClientException("OCI image layout without " + ArchiveReader.OCI_INDEX);
    }
    return Descriptor.of(MediaTypes.OCI_INDEX, index.digest(), index.size());
  }

  /** Another platform's index or manifest, and the image that names it (null for none), for the log. */
  private record Other(String image, Descriptor descriptor) {}

  /**
   * Labels {@code d} with references to its children (every manifest an index lists, a manifest's
   * config and layers) and walks on into those this machine needs (an index's manifests for this
   * platform), whose blobs must be stored; the others the archive carries are kept whole too, once
   * the walk is done ({@link #keepOthers}). {@code image}: the image that names {@code d}, if any.
   */
  private void link(Descriptor d, String image, UnaryOperator<String> nameOf, JsonBlobs blobs, Set<String> stored,
      Set<String> visited, List<Other> others) {
    if (!visited.add(d.digest())) {
      return;
    }
    List<Descriptor> needed = new ArrayList<>();
    if (MediaTypes.isIndex(d.mediaType())) {
      Index index = blobs.index(d);
      content.label(d.digest(), GcRefs.forIndex(index));
      for (Descriptor m : index.manifests()) {
        if (m.platform() == null || platform.matches(m.platform())) {
          needed.add(m);
        } else {
          others.add(new Other(image != null ? image : imageName(m.annotations(), nameOf), m));
        }
      }
    } else if (MediaTypes.isManifest(d.mediaType())) {
      Manifest manifest = blobs.manifest(d);
      needed.add(manifest.config());
      needed.addAll(manifest.layers());
      content.label(d.digest(), GcRefs.forChildren(needed));
    } else {
      if (!stored.contains(d.digest()) && content.info(d.digest()).isEmpty()) {
        throw new ClientException(JsonBlobs.describe(d) + " is neither in the archive nor in the content store");
      }
      return;
    }
    for (Descriptor child : needed) {
      link(child, image != null ? image : imageName(child.annotations(), nameOf), nameOf, blobs, stored, visited,
          others);
    }
  }

  /**
   * Labels the other platforms' indexes and manifests that the archive carries with their children,
   * as a pull of all platforms does, so that the collector keeps their configs and layers with
   * them; what they name but the archive lacks may stay absent, as after a pull of one platform.
   * After {@link #link}, so that a blob this platform needs has been checked first. One that is not
   * what it claims is left unlabelled with a warning, the rest of the load goes on: containerd's
   * import never reads them, and this machine cannot run them.
   */
  private void keepOthers(List<Other> others, JsonBlobs blobs, Set<String> stored, Set<String> visited) {
    for (Other other : others) {
      Descriptor d = other.descriptor();
      if (!stored.contains(d.digest()) || !visited.add(d.digest())) {
        continue;
      }
      try {
        if (MediaTypes.isIndex(d.mediaType())) {
          Index index = blobs.index(d);
          content.label(d.digest(), GcRefs.forIndex(index));
          keepOthers(index.manifests().stream().map(m -> new Other(other.image(), m)).toList(), blobs, stored,
              visited);
        } else if (MediaTypes.isManifest(d.mediaType())) {
          Manifest manifest = blobs.manifest(d);
          List<Descriptor> children = new ArrayList<>();
          children.add(manifest.config());
          children.addAll(manifest.layers());
          content.label(d.digest(), GcRefs.forChildren(children));
        }
      } catch (ClientException unreadable) {
        LOG.warning("image " + (other.image() != null ? other.image() : "(unnamed)") + ": skipped "
            + JsonBlobs.describe(d) + (d.platform() != null ? " for " + d.platform() : "")
            + ", which the archive holds but is unreadable: " + unreadable.getMessage());
      }
    }
  }

  /**
   * containerd's rule: the image name annotation if there is one, else the OCI reference name,
   * which names an image as it is if it is a full name, and is a tag of {@code nameOf} otherwise.
   */
  private static String imageName(Map<String, String> annotations, UnaryOperator<String> nameOf) {
    String name = annotations.get(Descriptor.IMAGE_NAME_ANNOTATION);
    if (name != null && !name.isEmpty()) {
      return name;
    }
    String ref = annotations.get(Descriptor.REF_NAME_ANNOTATION);
    if (ref == null || ref.isEmpty()) {
      return null;
    }
    return ref.contains("/") || ref.contains(":") || ref.contains("@") ? ref : nameOf.apply(ref);
  }

}
