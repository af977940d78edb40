package dev.berth.tasks.containers;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import containerd.services.containers.v1.Container;
import dev.berth.api.Identifiers;
import dev.berth.api.filter.Filter;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.grpc.Errors;
import dev.berth.api.grpc.LabelPreconditions;
import dev.berth.common.grpc.NamespaceRegistrar;
import dev.berth.common.store.LabelMask;
import dev.berth.common.store.Labels;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.store.Sql;
import dev.berth.common.time.EpochNanos;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.logging.Logger;

/**
 * Container records per namespace: image, labels, runtime, OCI spec, snapshot and extensions,
 * kept as one protobuf record per row so every field round-trips exactly as the client sent it.
 */
public final class ContainerStore implements ContainerLookup {
  private static final Logger LOG = Logger.getLogger(ContainerStore.class.getName());

  private final MetadataStore store;
  private final NamespaceRegistrar namespaces;
  private final List<BiConsumer<String, String>> deletionListeners = new CopyOnWriteArrayList<>();

  public ContainerStore(MetadataStore store, NamespaceRegistrar namespaces) {
    this.store = store;
    this.namespaces = namespaces;
    store.migrate("containers", List.of("""
        CREATE TABLE IF NOT EXISTS containers (
          namespace TEXT NOT NULL,
          id TEXT NOT NULL,
          record BLOB NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL,
          PRIMARY KEY (namespace, id))"""));
  }

  @Override
  public Container get(String namespace, String id) {
    return store.read(c -> find(c, namespace, id)).orElseThrow(() -> notFound(namespace, id));
  }

  /** The namespace's containers matching {@code filter} (fields: id, image, runtime.name, snapshotter, labels.*). */
  public List<Container> list(String namespace, Filter filter) {
    List<Container> all = store.read(c -> Sql.query(c,
        "SELECT record, created_at, updated_at FROM containers WHERE namespace = ? ORDER BY id",
        ContainerStore::row, namespace));
    return all.stream().filter(container -> filter.matches(path -> field(container, path))).toList();
  }

  public Container create(String namespace, Container container) {
    validate(container);
    namespaces.ensure(namespace);
    long now = EpochNanos.now();
    store.write(c -> {
      if (find(c, namespace, container.getId()).isPresent()) {
        throw Errors.alreadyExists("container %s already exists in namespace %s", container.getId(), namespace);
      }
      checkNameFree(c, namespace, container);
      return Sql.update(c,
          "INSERT INTO containers (namespace, id, record, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
          namespace, container.getId(), stored(container), now, now);
    });
    LOG.info("created container " + container.getId() + " in namespace " + namespace);
    return stored(container, now, now);
  }

  /**
   * Changes the fields named by {@code maskPaths} (labels, labels.&lt;key&gt;, spec, image,
   * snapshotkey, extensions, extensions.&lt;key&gt;), or all of those when there are none; the
   * runtime and the snapshotter cannot change (INVALID_ARGUMENT), as in containerd.
   */
  public Container update(String namespace, Container requested, List<String> maskPaths) {
    return update(namespace, requested, maskPaths, Map.of());
  }

  /**
   * {@link #update}, made only if each label of {@code expected} still has its value there ("" for
   * absent), checked in the write's transaction ({@link LabelPreconditions}); FAILED_PRECONDITION,
   * nothing written, otherwise.
   */
  public Container update(String namespace, Container requested, List<String> maskPaths, Map<String, String> expected) {
    Identifiers.validate("container id", requested.getId());
    return store.write(c -> {
      Container current = find(c, namespace, requested.getId()).orElseThrow(() -> notFound(namespace, requested.getId()));
      Optional<String> unmet = LabelPreconditions.unmet(expected, current.getLabelsMap());
      if (unmet.isPresent()) {
        throw Errors.failedPrecondition("container %s: %s", requested.getId(), unmet.get());
      }
      Container updated = new MaskedUpdate(current, requested).apply(maskPaths);
      validate(updated);
      checkNameFree(c, namespace, updated);
      long now = EpochNanos.now();
      Sql.update(c, "UPDATE containers SET record = ?, updated_at = ? WHERE namespace = ? AND id = ?",
          stored(updated), now, namespace, requested.getId());
      return updated.toBuilder().setUpdatedAt(EpochNanos.toTimestamp(now)).build();
    });
  }

  @Override
  public void setLabel(String namespace, String id, String key, String value) {
    update(namespace, Container.newBuilder().setId(id).putLabels(key, value).build(), List.of("labels." + key));
  }

  @Override
  public Runnable whenDeleted(BiConsumer<String, String> listener) {
    deletionListeners.add(listener);
    return () -> deletionListeners.remove(listener);
  }

  /** Deletes the record, then tells the deletion listeners. */
  public void delete(String namespace, String id) {
    int deleted = store.write(c ->
        Sql.update(c, "DELETE FROM containers WHERE namespace = ? AND id = ?", namespace, id));
    if (deleted == 0) {
      throw notFound(namespace, id);
    }
    LOG.info("deleted container " + id + " in namespace " + namespace);
    deletionListeners.forEach(l -> l.accept(namespace, id));
  }

  /** containerd's rules: a valid id, valid labels, a runtime name and a spec. */
  private static void validate(Container container) {
    Identifiers.validate("container id", container.getId());
    Labels.validate(container.getLabelsMap());
    if (container.getRuntime().getName().isEmpty()) {
      throw Errors.invalidArgument("container %s: runtime name must be set", container.getId());
    }
    if (!container.hasSpec()) {
      throw Errors.invalidArgument("container %s: spec must be set", container.getId());
    }
  }

  /**
   * A container's name ({@code io.berth.name}) is unique in its namespace, checked in the same
   * transaction as the write, so of clients creating one name at once exactly one wins; the
   * others get Docker's conflict.
   */
  private static void checkNameFree(Connection c, String namespace, Container container) throws SQLException {
    String name = container.getLabelsMap().get(ContainerLabels.NAME);
    if (name == null || name.isEmpty()) {
      return;
    }
    List<Container> all = Sql.query(c, "SELECT record, created_at, updated_at FROM containers WHERE namespace = ?",
        ContainerStore::row, namespace);
    for (Container other : all) {
      if (!other.getId().equals(container.getId()) && name.equals(other.getLabelsMap().get(ContainerLabels.NAME))) {
        throw Errors.alreadyExists("Conflict. The container name \"/%s\" is already in use by container \"%s\". "
            + "You have to remove (or rename) that container to be able to reuse that name.", name, other.getId());
      }
    }
  }

  private static Optional<Container> find(Connection c, String namespace, String id) throws SQLException {
    return Sql.queryOne(c, "SELECT record, created_at, updated_at FROM containers WHERE namespace = ? AND id = ?",
        ContainerStore::row, namespace, id);
  }

  private static Container row(ResultSet r) throws SQLException {
    try {
      return stored(Container.parseFrom(r.getBytes("record")), r.getLong("created_at"), r.getLong("updated_at"));
    } catch (InvalidProtocolBufferException e) {
      throw Errors.internal(e, "corrupt container record: %s", e.getMessage());
    }
  }

  /** The record as stored: the times live in their own columns. */
  private static byte[] stored(Container container) {
    return container.toBuilder().clearCreatedAt().clearUpdatedAt().build().toByteArray();
  }

  private static Container stored(Container container, long createdAt, long updatedAt) {
    return container.toBuilder()
        .setCreatedAt(EpochNanos.toTimestamp(createdAt))
        .setUpdatedAt(EpochNanos.toTimestamp(updatedAt))
        .build();
  }

  private static Optional<String> field(Container container, List<String> path) {
    String rest = String.join(".", path.subList(1, path.size()));
    return switch (path.get(0)) {
      case "id" -> Optional.of(container.getId());
      case "image" -> Optional.of(container.getImage());
      case "snapshotter" -> Optional.of(container.getSnapshotter());
      case "runtime" -> rest.equals("name") ? Optional.of(container.getRuntime().getName()) : Optional.empty();
      case "labels" -> rest.isEmpty() ? Optional.empty() : Optional.ofNullable(container.getLabelsMap().get(rest));
      default -> Optional.empty();
    };
  }

  private static RuntimeException notFound(String namespace, String id) {
    return Errors.notFound("container %s not found in namespace %s", Identifiers.printable(id), namespace);
  }

  /** Applies an Update request's mask to the stored record. */
  private record MaskedUpdate(Container current, Container requested) {
    private static final List<String> ALL = List.of("labels", "spec", "extensions", "image", "snapshotkey");

    Container apply(List<String> maskPaths) {
      List<String> paths = maskPaths;
      if (paths.isEmpty()) {
        if (!requested.getSnapshotter().equals(current.getSnapshotter())) {
          throw Errors.invalidArgument("container %s: snapshotter cannot change", current.getId());
        }
        if (!requested.getRuntime().getName().equals(current.getRuntime().getName())) {
          throw Errors.invalidArgument("container %s: runtime name cannot change", current.getId());
        }
        paths = ALL;
      }
      Map<String, String> labels = LabelMask.apply(current.getLabelsMap(), requested.getLabelsMap(), paths);
      Map<String, Any> extensions = new TreeMap<>(current.getExtensionsMap());
      Container.Builder updated = current.toBuilder();
      for (String path : paths) {
        if (LabelMask.covers(path)) {
          continue;
        }
        if (path.startsWith("extensions.") && path.length() > "extensions.".length()) {
          String key = path.substring("extensions.".length());
          Any value = requested.getExtensionsMap().get(key);
          if (value == null) {
            extensions.remove(key);
          } else {
            extensions.put(key, value);
          }
          continue;
        }
        switch (path) {
          case "extensions" -> {
            extensions.clear();
            extensions.putAll(requested.getExtensionsMap());
          }
          case "spec" -> updated.setSpec(requested.getSpec());
          case "image" -> updated.setImage(requested.getImage());
          case "snapshotkey", "snapshot_key" -> updated.setSnapshotKey(requested.getSnapshotKey());
          default -> throw LabelMask.unknownPath("container", current.getId(), path);
        }
      }
      return updated.clearLabels().putAllLabels(labels).clearExtensions().putAllExtensions(extensions).build();
    }
  }
}
