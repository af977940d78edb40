package dev.berth.client.images;

import dev.berth.api.content.Blobs;
import dev.berth.client.ClientException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What an image's target reaches in the content store and how much of it is here: its indexes
 * and manifests, walked depth first in the order the indexes list them, and for each manifest
 * here the blobs a copy of it carries (its config and distributable layers; foreign layers are
 * never copied, as containerd's exporter and pusher skip them), split into those here and those
 * not. What save writes and push sends of a multi-platform image are both chosen from this.
 */
public final class ContentHere {
  /** A manifest that is here: its bytes as stored, what it lists, and which of its blobs are here. */
  public record ManifestHere(Descriptor descriptor, byte[] bytes, Manifest manifest, List<Descriptor> blobsHere,
      List<Descriptor> blobsNotHere) {
    /** Whether its config and every distributable layer are here too: a copy of it is an image. */
    public boolean whole() {
      return blobsNotHere.isEmpty();
    }
  }

  /** Told what the walk finds, each manifest and index once. */
  public interface Visitor {
    /** An index that is here, after everything it lists. */
    default void indexHere(Descriptor index, byte[] bytes) {}

    /** A manifest that is here. */
    default void manifestHere(ManifestHere manifest) {}

    /** A manifest or index the walk reached that is not here (the target itself included). */
    default void notHere(Descriptor document) {}
  }

  private final Blobs content;
  private final JsonBlobs json;
  private final Visitor visitor;
  private final Set<String> seen = new HashSet<>();

  private ContentHere(Blobs content, Visitor visitor) {
    this.content = content;
    this.json = new JsonBlobs(content);
    this.visitor = visitor;
  }

  /**
   * Walks what {@code target} reaches; entries of an index that are neither manifests nor indexes
   * are passed over.
   *
   * @throws ClientException for a manifest or index that is not what its descriptor says (bad
   *     JSON, another size, a manifest without config)
   */
  public static void walk(Blobs content, Descriptor target, Visitor visitor) {
    new ContentHere(content, visitor).visit(target);
  }

  private void visit(Descriptor d) {
    boolean index = MediaTypes.isIndex(d.mediaType());
    if ((!index && !MediaTypes.isManifest(d.mediaType())) || !seen.add(d.digest())) {
      return;
    }
    Optional<byte[]> bytes = json.bytesIfHere(d);
    if (bytes.isEmpty()) {
      visitor.notHere(d);
      return;
    }
    if (index) {
      for (Descriptor child : JsonBlobs.index(d, bytes.get()).manifests()) {
        visit(child);
      }
      visitor.indexHere(d, bytes.get());
      return;
    }
    Manifest manifest = JsonBlobs.manifest(d, bytes.get());
    List<Descriptor> here = new ArrayList<>();
    List<Descriptor> notHere = new ArrayList<>();
    List<Descriptor> blobs = new ArrayList<>();
    blobs.add(manifest.config());
    manifest.layers().stream().filter(l -> !MediaTypes.isNonDistributable(l.mediaType())).forEach(blobs::add);
    for (Descriptor blob : blobs) {
      (content.info(blob.digest()).isPresent() ? here : notHere).add(blob);
    }
    visitor.manifestHere(new ManifestHere(d, bytes.get(), manifest, List.copyOf(here), List.copyOf(notHere)));
  }
}
