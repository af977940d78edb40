package dev.berth.metadata.images;

import containerd.services.images.v1.Image;
import containerd.types.Descriptor;
import dev.berth.api.Digests;
import dev.berth.api.Identifiers;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.common.store.LabelMask;
import dev.berth.common.store.Labels;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.store.Sql;
import dev.berth.common.time.EpochNanos;
import dev.berth.metadata.namespaces.NamespaceStore;
import dev.berth.metadata.namespaces.NamespaceUsage;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.logging.Logger;

/** Image records per namespace: a name pointing at a target descriptor, with labels. */
public final class ImageStore implements NamespaceUsage {
  private static final Logger LOG = Logger.getLogger(ImageStore.class.getName());
  private static final String COLUMNS =
      "name, labels, media_type, digest, size, annotations, created_at, updated_at";

  private final MetadataStore store;

  /** Takes the namespace store so its table exists before images reference it. */
  public ImageStore(MetadataStore store, NamespaceStore namespaces) {
    this.store = store;
    store.migrate("images", List.of("""
        CREATE TABLE IF NOT EXISTS images (
          namespace TEXT NOT NULL REFERENCES namespaces (name),
          name TEXT NOT NULL,
          labels TEXT NOT NULL,
          media_type TEXT NOT NULL,
          digest TEXT NOT NULL,
          size INTEGER NOT NULL,
          annotations TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (namespace, name))"""));
  }

  public Image get(String namespace, String name) {
    return store.read(c -> find(c, namespace, name))
        .orElseThrow(() -> Errors.notFound("image %s not found in namespace %s", Identifiers.printable(name), namespace));
  }

  /** The namespace's images matching {@code filter} (fields: name, target.digest, target.mediatype, labels.*, annotations.*). */
  public List<Image> list(String namespace, Filter filter) {
    List<Image> all = store.read(c -> Sql.query(c,
        "SELECT " + COLUMNS + " FROM images WHERE namespace = ? ORDER BY name", ImageStore::row, namespace));
    return all.stream().filter(image -> filter.matches(path -> field(image, path))).toList();
  }

  public Image create(String namespace, Image image) {
    if (image.getName().isEmpty()) {
      throw Errors.invalidArgument("image name must not be empty");
    }
    validate(image);
    long now = EpochNanos.now();
    Image created = image.toBuilder()
        .setCreatedAt(EpochNanos.toTimestamp(now))
        .setUpdatedAt(EpochNanos.toTimestamp(now))
        .build();
    store.write(c -> {
      if (find(c, namespace, image.getName()).isPresent()) {
        throw Errors.alreadyExists("image %s already exists in namespace %s", Identifiers.printable(image.getName()), namespace);
      }
      NamespaceStore.ensure(c, namespace);
      Descriptor t = image.getTarget();
      return Sql.update(c, "INSERT INTO images (namespace, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
          namespace, image.getName(), Labels.toJson(image.getLabelsMap()), t.getMediaType(), t.getDigest(),
          t.getSize(), Labels.toJson(t.getAnnotationsMap()), now, now);
    });
    LOG.info("created image " + image.getName() + " in namespace " + namespace + " -> " + image.getTarget().getDigest());
    return created;
  }

  /**
   * Changes the fields named by {@code maskPaths} (labels, labels.&lt;key&gt;, target,
   * annotations, annotations.&lt;key&gt;), or labels and target together when there are none.
   */
  public Image update(String namespace, Image image, List<String> maskPaths) {
    return store.write(c -> {
      Image current = find(c, namespace, image.getName())
          .orElseThrow(() -> Errors.notFound("image %s not found in namespace %s", Identifiers.printable(image.getName()), namespace));
      Image updated = new MaskedUpdate(current, image).apply(maskPaths);
      validate(updated);
      long now = EpochNanos.now();
      Descriptor t = updated.getTarget();
      Sql.update(c, "UPDATE images SET labels = ?, media_type = ?, digest = ?, size = ?, annotations = ?, updated_at = ? "
              + "WHERE namespace = ? AND name = ?",
          Labels.toJson(updated.getLabelsMap()), t.getMediaType(), t.getDigest(), t.getSize(),
          Labels.toJson(t.getAnnotationsMap()), now, namespace, image.getName());
      return updated.toBuilder().setUpdatedAt(EpochNanos.toTimestamp(now)).build();
    });
  }

  /**
   * Deletes an image. With {@code expectedDigest} the image is only deleted while it still
   * points at that digest, so a caller does not remove an image someone else just re-tagged.
   */
  public void delete(String namespace, String name, Optional<String> expectedDigest) {
    store.write(c -> {
      Image current = find(c, namespace, name)
          .orElseThrow(() -> Errors.notFound("image %s not found in namespace %s", Identifiers.printable(name), namespace));
      if (expectedDigest.isPresent() && !expectedDigest.get().equals(current.getTarget().getDigest())) {
        throw Errors.failedPrecondition("image %s has target %s, not %s",
            Identifiers.printable(name), current.getTarget().getDigest(), Identifiers.printable(expectedDigest.get()));
      }
      return Sql.update(c, "DELETE FROM images WHERE namespace = ? AND name = ?", namespace, name);
    });
    LOG.info("deleted image " + name + " in namespace " + namespace);
  }

  @Override
  public Optional<String> describeUse(String namespace) {
    int count = store.read(c -> Sql.queryOne(c, "SELECT count(*) FROM images WHERE namespace = ?", r -> r.getInt(1), namespace))
        .orElse(0);
    return count == 0 ? Optional.empty() : Optional.of(count + (count == 1 ? " image" : " images"));
  }

  /** containerd's rules: a name, labels within limits, and a complete target. */
  private static void validate(Image image) {
    Labels.validate(image.getLabelsMap());
    if (!image.hasTarget()) {
      throw Errors.invalidArgument("image %s has no target", Identifiers.printable(image.getName()));
    }
    Descriptor t = image.getTarget();
    if (t.getMediaType().isEmpty()) {
      throw Errors.invalidArgument("target media type of image %s must be set", Identifiers.printable(image.getName()));
    }
    Digests.validate(t.getDigest());
    if (t.getSize() <= 0) {
      throw Errors.invalidArgument("target size of image %s must be greater than zero", Identifiers.printable(image.getName()));
    }
    Labels.validate(t.getAnnotationsMap());
  }

  private static Optional<Image> find(Connection c, String namespace, String name) throws SQLException {
    return Sql.queryOne(c, "SELECT " + COLUMNS + " FROM images WHERE namespace = ? AND name = ?",
        ImageStore::row, namespace, name);
  }

  private static Image row(ResultSet r) throws SQLException {
    return Image.newBuilder()
        .setName(r.getString("name"))
        .putAllLabels(Labels.fromJson(r.getString("labels")))
        .setTarget(Descriptor.newBuilder()
            .setMediaType(r.getString("media_type"))
            .setDigest(r.getString("digest"))
            .setSize(r.getLong("size"))
            .putAllAnnotations(Labels.fromJson(r.getString("annotations"))))
        .setCreatedAt(EpochNanos.toTimestamp(r.getLong("created_at")))
        .setUpdatedAt(EpochNanos.toTimestamp(r.getLong("updated_at")))
        .build();
  }

  private static Optional<String> field(Image image, List<String> path) {
    String rest = String.join(".", path.subList(1, path.size()));
    return switch (path.get(0)) {
      case "name" -> Optional.of(image.getName());
      case "target" -> switch (rest) {
        case "digest" -> Optional.of(image.getTarget().getDigest());
        case "mediatype" -> Optional.of(image.getTarget().getMediaType());
        default -> Optional.empty();
      };
      case "labels" -> mapEntry(image.getLabelsMap(), rest);
      case "annotations" -> mapEntry(image.getTarget().getAnnotationsMap(), rest);
      default -> Optional.empty();
    };
  }

  private static Optional<String> mapEntry(Map<String, String> map, String key) {
    return key.isEmpty() ? Optional.empty() : Optional.ofNullable(map.get(key));
  }

  /** Applies an Update request's mask to the stored image. */
  private record MaskedUpdate(Image current, Image requested) {
    Image apply(List<String> maskPaths) {
      if (maskPaths.isEmpty()) {
        return current.toBuilder().clearLabels().putAllLabels(requested.getLabelsMap())
            .setTarget(requested.getTarget()).build();
      }
      Map<String, String> labels = LabelMask.apply(current.getLabelsMap(), requested.getLabelsMap(), maskPaths);
      Descriptor.Builder target = current.getTarget().toBuilder();
      Map<String, String> annotations = new TreeMap<>(target.getAnnotationsMap());
      for (String path : maskPaths) {
        if (LabelMask.covers(path)) {
          continue;
        }
        if (path.startsWith("annotations.") && path.length() > "annotations.".length()) {
          set(annotations, path.substring("annotations.".length()), requested.getTarget().getAnnotationsMap());
        } else {
          switch (path) {
            case "target" -> {
              target = requested.getTarget().toBuilder();
              annotations = new TreeMap<>(target.getAnnotationsMap());
            }
            case "annotations" -> annotations = new TreeMap<>(requested.getTarget().getAnnotationsMap());
            default -> throw LabelMask.unknownPath("image", current.getName(), path);
          }
        }
      }
      return current.toBuilder().clearLabels().putAllLabels(labels)
          .setTarget(target.clearAnnotations().putAllAnnotations(annotations)).build();
    }

    private static void set(Map<String, String> map, String key, Map<String, String> requested) {
      String value = requested.get(key);
      if (value == null || value.isEmpty()) {
        map.remove(key);
      } else {
        map.put(key, value);
      }
    }
  }
}
