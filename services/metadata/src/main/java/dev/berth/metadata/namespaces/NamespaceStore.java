package dev.berth.metadata.namespaces;

import containerd.services.namespaces.v1.Namespace;
import dev.berth.api.Identifiers;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.common.store.LabelMask;
import dev.berth.common.store.Labels;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.store.Sql;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The namespaces and their labels. Other records (images, leases) reference a namespace by a
 * foreign key, so a namespace exists as soon as anything is stored in it, as in containerd.
 */
public final class NamespaceStore {
  private static final Logger LOG = Logger.getLogger(NamespaceStore.class.getName());

  private final MetadataStore store;

  public NamespaceStore(MetadataStore store) {
    this.store = store;
    store.migrate("namespaces", List.of(
        "CREATE TABLE IF NOT EXISTS namespaces (name TEXT PRIMARY KEY, labels TEXT NOT NULL)"));
  }

  /**
   * Records {@code namespace} inside the caller's transaction if it is not there yet; for stores
   * that put something in a namespace.
   */
  public static void ensure(Connection c, String namespace) throws SQLException {
    Sql.update(c, "INSERT OR IGNORE INTO namespaces (name, labels) VALUES (?, '{}')", namespace);
  }

  /** All namespaces matching {@code filter} (fields: name, labels.*), by name. */
  public List<Namespace> list(Filter filter) {
    List<Namespace> all = store.read(c -> Sql.query(c, "SELECT name, labels FROM namespaces ORDER BY name", NamespaceStore::row));
    return all.stream().filter(ns -> filter.matches(path -> field(ns, path))).toList();
  }

  /**
   * The namespace's labels. containerd answers an absent namespace with its name and no labels
   * (its client reads default runtime and snapshotter labels before first use), so this does too.
   */
  public Namespace get(String name) {
    Identifiers.validate("namespace", name);
    return find(name).orElse(Namespace.newBuilder().setName(name).build());
  }

  public Namespace create(Namespace namespace) {
    String name = Identifiers.validate("namespace", namespace.getName());
    Labels.validate(namespace.getLabelsMap());
    store.write(c -> {
      if (exists(c, name)) {
        throw Errors.alreadyExists("namespace %s already exists", name);
      }
      return Sql.update(c, "INSERT INTO namespaces (name, labels) VALUES (?, ?)", name,
          Labels.toJson(namespace.getLabelsMap()));
    });
    LOG.info("created namespace " + name);
    return namespace;
  }

  /**
   * Changes labels: with no mask paths (or the path {@code labels}) they are replaced by the
   * given ones, with {@code labels.<key>} only that key is set, or removed when the request
   * has no value for it. A namespace that does not exist is created, as in containerd.
   */
  public Namespace update(Namespace namespace, List<String> maskPaths) {
    String name = Identifiers.validate("namespace", namespace.getName());
    LabelMask.requireOnlyLabels("namespace", name, maskPaths);
    return store.write(c -> {
      Map<String, String> labels = LabelMask.apply(
          Sql.queryOne(c, "SELECT labels FROM namespaces WHERE name = ?", r -> Labels.fromJson(r.getString(1)), name)
              .orElse(Map.of()), namespace.getLabelsMap(), maskPaths);
      // As containerd's SetLabel: an empty value means "no such label".
      labels.values().removeIf(String::isEmpty);
      Labels.validate(labels);
      Sql.update(c, "INSERT INTO namespaces (name, labels) VALUES (?, ?) "
          + "ON CONFLICT (name) DO UPDATE SET labels = excluded.labels", name, Labels.toJson(labels));
      return Namespace.newBuilder().setName(name).putAllLabels(labels).build();
    });
  }

  /**
   * Deletes an empty namespace. {@code usages} decide what "empty" means; they may ask other
   * services, so they run before (not inside) the transaction, and the foreign keys of this
   * module's own records catch anything stored in between.
   */
  public void delete(String name, List<NamespaceUsage> usages) {
    Identifiers.validate("namespace", name);
    if (find(name).isEmpty()) {
      throw Errors.notFound("namespace %s not found", name);
    }
    List<String> held = new ArrayList<>();
    for (NamespaceUsage usage : usages) {
      usage.describeUse(name).ifPresent(held::add);
    }
    if (!held.isEmpty()) {
      throw Errors.failedPrecondition("namespace %s must be empty, but it still has %s", name, String.join(", ", held));
    }
    store.write(c -> {
      try {
        if (Sql.update(c, "DELETE FROM namespaces WHERE name = ?", name) == 0) {
          throw Errors.notFound("namespace %s not found", name);
        }
      } catch (SQLiteException e) {
        if (e.getResultCode() == SQLiteErrorCode.SQLITE_CONSTRAINT_FOREIGNKEY) {
          throw Errors.failedPrecondition("namespace %s must be empty, but something was stored in it meanwhile", name);
        }
        throw e;
      }
      return null;
    });
    LOG.info("deleted namespace " + name);
  }

  private Optional<Namespace> find(String name) {
    return store.read(c -> Sql.queryOne(c, "SELECT name, labels FROM namespaces WHERE name = ?", NamespaceStore::row, name));
  }

  private static boolean exists(Connection c, String name) throws SQLException {
    return Sql.queryOne(c, "SELECT 1 FROM namespaces WHERE name = ?", r -> true, name).isPresent();
  }

  private static Namespace row(ResultSet r) throws SQLException {
    return Namespace.newBuilder().setName(r.getString(1)).putAllLabels(Labels.fromJson(r.getString(2))).build();
  }

  private static Optional<String> field(Namespace ns, List<String> path) {
    return switch (path.get(0)) {
      case "name" -> Optional.of(ns.getName());
      case "labels" -> path.size() < 2 ? Optional.empty()
          : Optional.ofNullable(ns.getLabelsMap().get(String.join(".", path.subList(1, path.size()))));
      default -> Optional.empty();
    };
  }
}
