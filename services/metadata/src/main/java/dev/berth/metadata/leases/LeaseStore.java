package dev.berth.metadata.leases;

import containerd.services.leases.v1.Lease;
import containerd.services.leases.v1.Resource;
import dev.berth.api.Identifiers;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.common.store.Labels;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.store.Sql;
import dev.berth.common.time.EpochNanos;
import dev.berth.metadata.namespaces.NamespaceStore;
import dev.berth.metadata.namespaces.NamespaceUsage;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Leases per namespace and the resources they hold. A lease keeps its resources from garbage
 * collection; containerd's client takes one for each {@code ctr} command (labelled
 * {@code containerd.io/gc.expire}) and deletes it afterwards. Labels are kept as given. Lease
 * changes are not flushed to the disk on their own ({@link MetadataStore#writeUnflushed}): they
 * survive berthd being killed; a machine crash may take the last ones, together with the
 * commands that held them.
 */
public final class LeaseStore implements NamespaceUsage {
  private static final int MAX_ID_LENGTH = 256;
  private static final Logger LOG = Logger.getLogger(LeaseStore.class.getName());
  private static final SecureRandom RANDOM = new SecureRandom();

  private final MetadataStore store;

  /** Takes the namespace store so its table exists before leases reference it. */
  public LeaseStore(MetadataStore store, NamespaceStore namespaces) {
    this.store = store;
    store.migrate("leases", List.of("""
        CREATE TABLE IF NOT EXISTS leases (
          namespace TEXT NOT NULL REFERENCES namespaces (name),
          id TEXT NOT NULL,
          labels TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          PRIMARY KEY (namespace, id))""", """
        CREATE TABLE IF NOT EXISTS lease_resources (
          namespace TEXT NOT NULL,
          lease TEXT NOT NULL,
          type TEXT NOT NULL,
          id TEXT NOT NULL,
          PRIMARY KEY (namespace, lease, type, id),
          FOREIGN KEY (namespace, lease) REFERENCES leases (namespace, id) ON DELETE CASCADE)"""));
  }

  /**
   * containerd does not hold lease ids to its identifier rule: its Go client generates ids such as
   * {@code 621796244--orI} (nanoseconds and URL-safe base64). Only what cannot be shown or stored
   * sensibly is refused.
   */
  private static String validateId(String id) {
    if (id.length() > MAX_ID_LENGTH || id.isBlank() || id.chars().anyMatch(c -> c < 0x21 || c == 0x7f)) {
      throw Errors.invalidArgument("lease id %s is invalid: use up to %d printable characters without spaces",
          Identifiers.printable(id), MAX_ID_LENGTH);
    }
    return id;
  }

  /** Creates a lease; an empty {@code id} gets a generated one. */
  public Lease create(String namespace, String id, Map<String, String> labels) {
    String leaseId = id.isEmpty() ? generateId() : validateId(id);
    Labels.validate(labels);
    long now = EpochNanos.now();
    store.writeUnflushed(c -> {
      if (find(c, namespace, leaseId).isPresent()) {
        throw Errors.alreadyExists("lease %s already exists in namespace %s", leaseId, namespace);
      }
      NamespaceStore.ensure(c, namespace);
      return Sql.update(c, "INSERT INTO leases (namespace, id, labels, created_at) VALUES (?, ?, ?, ?)",
          namespace, leaseId, Labels.toJson(labels), now);
    });
    LOG.fine("created lease " + leaseId + " in namespace " + namespace);
    return Lease.newBuilder().setId(leaseId).putAllLabels(labels).setCreatedAt(EpochNanos.toTimestamp(now)).build();
  }

  /** Deletes a lease; what it held is no longer protected by it. */
  public void delete(String namespace, String id) {
    store.writeUnflushed(c -> {
      if (Sql.update(c, "DELETE FROM leases WHERE namespace = ? AND id = ?", namespace, id) == 0) {
        throw notFound(namespace, id);
      }
      return null;
    });
    LOG.fine("deleted lease " + id + " in namespace " + namespace);
  }

  /** The namespace's leases matching {@code filter} (fields: id, labels.*), by id. */
  public List<Lease> list(String namespace, Filter filter) {
    List<Lease> all = store.read(c -> Sql.query(c,
        "SELECT id, labels, created_at FROM leases WHERE namespace = ? ORDER BY id", LeaseStore::row, namespace));
    return all.stream().filter(lease -> filter.matches(path -> field(lease, path))).toList();
  }

  public void addResource(String namespace, String id, Resource resource) {
    store.writeUnflushed(c -> {
      requireLease(c, namespace, id);
      LeaseResources.validate(resource);
      return Sql.update(c, "INSERT OR IGNORE INTO lease_resources (namespace, lease, type, id) VALUES (?, ?, ?, ?)",
          namespace, id, resource.getType(), resource.getId());
    });
  }

  /** Removes a resource from a lease; one the lease does not hold is no error. */
  public void deleteResource(String namespace, String id, Resource resource) {
    store.writeUnflushed(c -> {
      requireLease(c, namespace, id);
      LeaseResources.validate(resource);
      return Sql.update(c, "DELETE FROM lease_resources WHERE namespace = ? AND lease = ? AND type = ? AND id = ?",
          namespace, id, resource.getType(), resource.getId());
    });
  }

  public List<Resource> listResources(String namespace, String id) {
    return store.read(c -> {
      requireLease(c, namespace, id);
      return Sql.query(c, "SELECT type, id FROM lease_resources WHERE namespace = ? AND lease = ? ORDER BY type, id",
          r -> Resource.newBuilder().setType(r.getString(1)).setId(r.getString(2)).build(), namespace, id);
    });
  }

  @Override
  public Optional<String> describeUse(String namespace) {
    int count = store.read(c -> Sql.queryOne(c, "SELECT count(*) FROM leases WHERE namespace = ?", r -> r.getInt(1), namespace))
        .orElse(0);
    return count == 0 ? Optional.empty() : Optional.of(count + (count == 1 ? " lease" : " leases"));
  }

  private static void requireLease(Connection c, String namespace, String id) throws SQLException {
    if (find(c, namespace, id).isEmpty()) {
      throw notFound(namespace, id);
    }
  }

  private static Optional<Lease> find(Connection c, String namespace, String id) throws SQLException {
    return Sql.queryOne(c, "SELECT id, labels, created_at FROM leases WHERE namespace = ? AND id = ?",
        LeaseStore::row, namespace, id);
  }

  private static RuntimeException notFound(String namespace, String id) {
    return Errors.notFound("lease %s not found in namespace %s", Identifiers.printable(id), namespace);
  }

  private static Lease row(ResultSet r) throws SQLException {
    return Lease.newBuilder()
        .setId(r.getString(1))
        .putAllLabels(Labels.fromJson(r.getString(2)))
        .setCreatedAt(EpochNanos.toTimestamp(r.getLong(3)))
        .build();
  }

  private static Optional<String> field(Lease lease, List<String> path) {
    return switch (path.get(0)) {
      case "id" -> Optional.of(lease.getId());
      case "labels" -> path.size() < 2 ? Optional.empty()
          : Optional.ofNullable(lease.getLabelsMap().get(String.join(".", path.subList(1, path.size()))));
      default -> Optional.empty();
    };
  }

  /** Like containerd: the time's nanoseconds and random bits, a valid identifier. */
  private static String generateId() {
    byte[] random = new byte[8];
    RANDOM.nextBytes(random);
    return Instant.now().getNano() + "-" + HexFormat.of().formatHex(random);
  }
}
