package dev.berth.snapshots.overlay;

import dev.berth.api.snapshots.SnapshotKind;
import dev.berth.common.store.Labels;
import dev.berth.common.store.Sql;
import dev.berth.common.time.EpochNanos;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * SQL for one snapshotter's records. Ids come from AUTOINCREMENT so that an id, and with it a
 * directory name, is never handed out twice, even after the row is gone. Children point to
 * their parent's id, so a commit (which renames the key) leaves the parent chain intact.
 */
final class SnapshotTable {
  private static final String COLUMNS = "s.id, s.namespace, s.key, s.parent_id, p.key, s.kind, s.labels,"
      + " s.created_ns, s.updated_ns, s.size, s.inodes";

  private final String table;

  SnapshotTable(String snapshotter) {
    this.table = "snapshot_" + snapshotter.replaceAll("[^A-Za-z0-9]", "_");
  }

  List<String> schema() {
    return List.of(
        "CREATE TABLE IF NOT EXISTS " + table + " ("
            + " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            + " namespace TEXT NOT NULL,"
            + " key TEXT NOT NULL,"
            + " parent_id INTEGER REFERENCES " + table + "(id),"
            + " kind TEXT NOT NULL,"
            + " labels TEXT NOT NULL,"
            + " created_ns INTEGER NOT NULL,"
            + " updated_ns INTEGER NOT NULL,"
            + " size INTEGER NOT NULL DEFAULT 0,"
            + " inodes INTEGER NOT NULL DEFAULT 0,"
            + " UNIQUE (namespace, key))",
        "CREATE INDEX IF NOT EXISTS " + table + "_parent ON " + table + " (parent_id)");
  }

  Optional<SnapshotRecord> find(Connection c, String namespace, String key) throws SQLException {
    List<SnapshotRecord> found = query(c, "s.namespace = ? AND s.key = ?", namespace, key);
    return found.stream().findFirst();
  }

  Optional<SnapshotRecord> findById(Connection c, long id) throws SQLException {
    return query(c, "s.id = ?", id).stream().findFirst();
  }

  List<SnapshotRecord> list(Connection c, String namespace) throws SQLException {
    return query(c, "s.namespace = ? ORDER BY s.key", namespace);
  }

  /** Ids of the parent, grandparent, ... of {@code record}, nearest first. */
  List<Long> ancestors(Connection c, SnapshotRecord record) throws SQLException {
    List<Long> ids = new ArrayList<>();
    Long next = record.parentId();
    try (PreparedStatement s = c.prepareStatement("SELECT parent_id FROM " + table + " WHERE id = ?")) {
      while (next != null) {
        ids.add(next);
        s.setLong(1, next);
        try (ResultSet r = s.executeQuery()) {
          if (!r.next()) {
            throw new SQLException("snapshot " + record.key() + " has a missing ancestor " + next);
          }
          long parent = r.getLong(1);
          next = r.wasNull() ? null : parent;
        }
      }
    }
    return ids;
  }

  boolean hasChildren(Connection c, long id) throws SQLException {
    return Sql.queryOne(c, "SELECT 1 FROM " + table + " WHERE parent_id = ? LIMIT 1", r -> true, id).isPresent();
  }

  long insert(Connection c, String namespace, String key, Long parentId, SnapshotKind kind,
      Map<String, String> labels, Instant now) throws SQLException {
    return Sql.insert(c, "INSERT INTO " + table
        + " (namespace, key, parent_id, kind, labels, created_ns, updated_ns) VALUES (?, ?, ?, ?, ?, ?, ?)",
        namespace, key, parentId, kind.name(), Labels.toJson(labels), EpochNanos.fromInstant(now),
        EpochNanos.fromInstant(now));
  }

  /** Renames {@code id} to {@code name} as a committed snapshot on {@code parentId}, with fresh labels and times. */
  void commit(Connection c, long id, String name, Long parentId, Map<String, String> labels, Instant now, long size,
      long inodes) throws SQLException {
    Sql.update(c, "UPDATE " + table
        + " SET key = ?, parent_id = ?, kind = ?, labels = ?, created_ns = ?, updated_ns = ?, size = ?, inodes = ?"
        + " WHERE id = ?",
        name, parentId, SnapshotKind.COMMITTED.name(), Labels.toJson(labels), EpochNanos.fromInstant(now),
        EpochNanos.fromInstant(now), size, inodes, id);
  }

  void updateLabels(Connection c, long id, Map<String, String> labels, Instant now) throws SQLException {
    Sql.update(c, "UPDATE " + table + " SET labels = ?, updated_ns = ? WHERE id = ?", Labels.toJson(labels),
        EpochNanos.fromInstant(now), id);
  }

  void delete(Connection c, long id) throws SQLException {
    Sql.update(c, "DELETE FROM " + table + " WHERE id = ?", id);
  }

  Set<Long> ids(Connection c) throws SQLException {
    return new HashSet<>(Sql.query(c, "SELECT id FROM " + table, r -> r.getLong(1)));
  }

  private List<SnapshotRecord> query(Connection c, String where, Object... args) throws SQLException {
    return Sql.query(c, "SELECT " + COLUMNS + " FROM " + table + " s LEFT JOIN " + table + " p ON p.id = s.parent_id"
        + " WHERE " + where, r -> {
          long parentId = r.getLong(4);
          Long parent = r.wasNull() ? null : parentId;
          return new SnapshotRecord(r.getLong(1), r.getString(2), r.getString(3), parent, r.getString(5),
              SnapshotKind.valueOf(r.getString(6)), Labels.fromJson(r.getString(7)),
              EpochNanos.toInstant(r.getLong(8)), EpochNanos.toInstant(r.getLong(9)), r.getLong(10), r.getLong(11));
        }, args);
  }
}
