package dev.berth.transfer.push;

import dev.berth.api.content.Blobs;
import dev.berth.api.grpc.Errors;
import dev.berth.client.images.ContentHere;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.MediaTypes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a push of one manifest or index sends, read from the content store: the manifests
 * and indexes, each after the ones it lists, so that a registry that checks references finds
 * them; and the blobs (configs and distributable layers), those here to upload and those not
 * here, which the push can do without only where the registry has them already (containerd's
 * pusher asks the registry for each blob before it reads it).
 */
final class PushContent {
  /** A manifest or index to put: its descriptor and bytes. */
  record Document(Descriptor descriptor, byte[] bytes) {}

  private final List<Document> documents = new ArrayList<>();
  private final Map<String, Descriptor> blobsHere = new LinkedHashMap<>();
  private final Map<String, Descriptor> blobsNotHere = new LinkedHashMap<>();
  private String documentNotHere;

  private PushContent() {}

  /** What pushing {@code top} sends of what is here, and what of it is not here. */
  static PushContent of(Blobs content, Descriptor top) {
    if (!MediaTypes.isIndex(top.mediaType()) && !MediaTypes.isManifest(top.mediaType())) {
      throw Errors.failedPrecondition("%s is a %s, which cannot be pushed as an image", top.digest(),
          top.mediaType());
    }
    PushContent c = new PushContent();
    ContentHere.walk(content, top, new ContentHere.Visitor() {
      @Override
      public void indexHere(Descriptor index, byte[] bytes) {
        c.documents.add(new Document(index, bytes));
      }

      @Override
      public void manifestHere(ContentHere.ManifestHere m) {
        m.blobsHere().forEach(d -> c.blobsHere.putIfAbsent(d.digest(), d));
        m.blobsNotHere().forEach(d -> c.blobsNotHere.putIfAbsent(d.digest(), d));
        c.documents.add(new Document(m.descriptor(), m.bytes()));
      }

      @Override
      public void notHere(Descriptor document) {
        if (c.documentNotHere == null) {
          c.documentNotHere = document.digest();
        }
      }
    });
    return c;
  }

  /**
   * The first manifest or index the push needs that the content store lacks: without it the push
   * cannot go, whatever the registry holds (containerd's pusher reads each to find what it lists).
   */
  Optional<String> documentNotHere() {
    return Optional.ofNullable(documentNotHere);
  }

  /** The configs and layers to upload from here (unless the registry has them). */
  List<Descriptor> blobsHere() {
    return List.copyOf(blobsHere.values());
  }

  /** The configs and layers that are not here, in the order the manifests list them. */
  List<Descriptor> blobsNotHere() {
    return List.copyOf(blobsNotHere.values());
  }

  /** The manifests and indexes, those listed before those listing them; the pushed one last. */
  List<Document> documents() {
    return new ArrayList<>(documents);
  }
}
