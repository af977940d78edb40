package dev.berth.snapshots.overlay;

import dev.berth.common.store.Labels;
import dev.berth.common.time.EpochNanos;
import dev.berth.snapshots.SnapshotKind;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
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
    try (PreparedStatement s = c.prepareStatement("SELECT 1 FROM " + table + " WHERE parent_id = ? LIMIT 1")) {
      s.setLong(1, id);
      try (ResultSet r = s.executeQuery()) {
        return r.next();
      }
    }
  }

  long insert(Connection c, String namespace, String key, Long parentId, SnapshotKind kind,
      Map<String, String> labels, Instant now) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table
        + " (namespace, key, parent_id, kind, labels, created_ns, updated_ns) VALUES (?, ?, ?, ?, ?, ?, ?)",
        Statement.RETURN_GENERATED_KEYS)) {
      s.setString(1, namespace);
      s.setString(2, key);
      if (parentId == null) {
        s.setNull(3, java.sql.Types.INTEGER);
      } else {
        s.setLong(3, parentId);
      }
      s.setString(4, kind.name());
      s.setString(5, Labels.toJson(labels));
      s.setLong(6, EpochNanos.fromInstant(now));
      s.setLong(7, EpochNanos.fromInstant(now));
      s.executeUpdate();
      try (ResultSet keys = s.getGeneratedKeys()) {
        keys.next();
        return keys.getLong(1);
      }
    }
  }

  /** Renames {@code id} to {@code name} as a committed snapshot with fresh labels and times. */
  void commit(Connection c, long id, String name, Map<String, String> labels, Instant now, long size,
      long inodes) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("UPDATE " + table
        + " SET key = ?, kind = ?, labels = ?, created_ns = ?, updated_ns = ?, size = ?, inodes = ? WHERE id = ?")) {
      s.setString(1, name);
      s.setString(2, SnapshotKind.COMMITTED.name());
      s.setString(3, Labels.toJson(labels));
      s.setLong(4, EpochNanos.fromInstant(now));
      s.setLong(5, EpochNanos.fromInstant(now));
      s.setLong(6, size);
      s.setLong(7, inodes);
      s.setLong(8, id);
      s.executeUpdate();
    }
  }

  void updateLabels(Connection c, long id, Map<String, String> labels, Instant now) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(
        "UPDATE " + table + " SET labels = ?, updated_ns = ? WHERE id = ?")) {
      s.setString(1, Labels.toJson(labels));
      s.setLong(2, EpochNanos.fromInstant(now));
      s.setLong(3, id);
      s.executeUpdate();
    }
  }

  void delete(Connection c, long id) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
      s.setLong(1, id);
      s.executeUpdate();
    }
  }

  Set<Long> ids(Connection c) throws SQLException {
    Set<Long> ids = new HashSet<>();
    try (Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT id FROM " + table)) {
      while (r.next()) {
        ids.add(r.getLong(1));
      }
    }
    return ids;
  }

  private List<SnapshotRecord> query(Connection c, String where, Object... args) throws SQLException {
    String sql = "SELECT " + COLUMNS + " FROM " + table + " s LEFT JOIN " + table + " p ON p.id = s.parent_id"
        + " WHERE " + where;
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        s.setObject(i + 1, args[i]);
      }
      List<SnapshotRecord> out = new ArrayList<>();
      try (ResultSet r = s.executeQuery()) {
        while (r.next()) {
          long parentId = r.getLong(4);
          Long parent = r.wasNull() ? null : parentId;
          out.add(new SnapshotRecord(r.getLong(1), r.getString(2), r.getString(3), parent, r.getString(5),
              SnapshotKind.valueOf(r.getString(6)), Labels.fromJson(r.getString(7)),
              EpochNanos.toInstant(r.getLong(8)), EpochNanos.toInstant(r.getLong(9)), r.getLong(10), r.getLong(11)));
        }
      }
      return out;
    }
  }
}
