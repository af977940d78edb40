package dev.berth.content.file;

import dev.berth.api.grpc.Errors;
import dev.berth.common.store.Labels;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.time.EpochNanos;
import dev.berth.content.ContentInfo;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/** Which namespaces hold which blobs, with their per-namespace labels and times (SQLite). */
final class BlobRecords {
  private static final List<String> SCHEMA = List.of(
      """
      CREATE TABLE IF NOT EXISTS content_blobs (
        namespace TEXT NOT NULL,
        digest TEXT NOT NULL,
        size INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        labels TEXT NOT NULL,
        PRIMARY KEY (namespace, digest))""",
      "CREATE INDEX IF NOT EXISTS content_blobs_by_digest ON content_blobs (digest)");
  private static final String COLUMNS = "digest, size, created_at, updated_at, labels";

  private final MetadataStore db;

  BlobRecords(MetadataStore db) {
    this.db = db;
    db.migrate("content", SCHEMA);
  }

  Optional<ContentInfo> get(String namespace, String digest) {
    return db.read(c -> find(c, namespace, digest));
  }

  List<ContentInfo> list(String namespace) {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "SELECT " + COLUMNS + " FROM content_blobs WHERE namespace = ? ORDER BY digest")) {
        p.setString(1, namespace);
        List<ContentInfo> infos = new ArrayList<>();
        try (ResultSet r = p.executeQuery()) {
          while (r.next()) {
            infos.add(info(r));
          }
        }
        return infos;
      }
    });
  }

  void insert(String namespace, ContentInfo info) {
    db.write(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "INSERT INTO content_blobs (namespace, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)")) {
        p.setString(1, namespace);
        p.setString(2, info.digest());
        p.setLong(3, info.size());
        p.setLong(4, EpochNanos.fromInstant(info.createdAt()));
        p.setLong(5, EpochNanos.fromInstant(info.updatedAt()));
        p.setString(6, Labels.toJson(info.labels()));
        return p.executeUpdate();
      }
    });
  }

  /** Replaces the labels with {@code change} of the current ones, in one transaction. */
  ContentInfo updateLabels(String namespace, String digest, UnaryOperator<Map<String, String>> change) {
    return db.write(c -> {
      ContentInfo current = find(c, namespace, digest)
          .orElseThrow(() -> Errors.notFound("content %s not found in namespace %s", digest, namespace));
      ContentInfo updated = new ContentInfo(digest, current.size(), current.createdAt(), Instant.now(),
          change.apply(current.labels()));
      try (PreparedStatement p = c.prepareStatement(
          "UPDATE content_blobs SET labels = ?, updated_at = ? WHERE namespace = ? AND digest = ?")) {
        p.setString(1, Labels.toJson(updated.labels()));
        p.setLong(2, EpochNanos.fromInstant(updated.updatedAt()));
        p.setString(3, namespace);
        p.setString(4, digest);
        p.executeUpdate();
      }
      return updated;
    });
  }

  /** Removes the namespace's record; false if it had none. */
  boolean delete(String namespace, String digest) {
    return db.write(c -> {
      try (PreparedStatement p = c.prepareStatement(
          "DELETE FROM content_blobs WHERE namespace = ? AND digest = ?")) {
        p.setString(1, namespace);
        p.setString(2, digest);
        return p.executeUpdate() > 0;
      }
    });
  }

  /** Whether any namespace still holds the blob. */
  boolean referenced(String digest) {
    return db.read(c -> {
      try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM content_blobs WHERE digest = ? LIMIT 1")) {
        p.setString(1, digest);
        try (ResultSet r = p.executeQuery()) {
          return r.next();
        }
      }
    });
  }

  private static Optional<ContentInfo> find(Connection c, String namespace, String digest) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(
        "SELECT " + COLUMNS + " FROM content_blobs WHERE namespace = ? AND digest = ?")) {
      p.setString(1, namespace);
      p.setString(2, digest);
      try (ResultSet r = p.executeQuery()) {
        return r.next() ? Optional.of(info(r)) : Optional.empty();
      }
    }
  }

  private static ContentInfo info(ResultSet r) throws SQLException {
    return new ContentInfo(r.getString(1), r.getLong(2), EpochNanos.toInstant(r.getLong(3)), EpochNanos.toInstant(r.getLong(4)),
        Labels.fromJson(r.getString(5)));
  }
}
