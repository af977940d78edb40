package dev.berth.content.file;

import dev.berth.api.grpc.Errors;
import dev.berth.common.store.Labels;
import dev.berth.common.store.MetadataStore;
import dev.berth.api.content.ContentInfo;
import dev.berth.common.store.Sql;
import dev.berth.common.time.EpochNanos;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.Set;
import java.util.HashSet;

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
    return db.read(c -> Sql.query(c, "SELECT " + COLUMNS + " FROM content_blobs WHERE namespace = ? ORDER BY digest",
        BlobRecords::info, namespace));
  }

  void insert(String namespace, ContentInfo info) {
    db.write(c -> Sql.update(c, "INSERT INTO content_blobs (namespace, " + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)",
        namespace, info.digest(), info.size(), EpochNanos.fromInstant(info.createdAt()),
        EpochNanos.fromInstant(info.updatedAt()), Labels.toJson(info.labels())));
  }

  /** Replaces the labels with {@code change} of the current ones, in one transaction. */
  ContentInfo updateLabels(String namespace, String digest, UnaryOperator<Map<String, String>> change) {
    return db.write(c -> {
      ContentInfo current = find(c, namespace, digest)
          .orElseThrow(() -> Errors.notFound("content %s not found in namespace %s", digest, namespace));
      ContentInfo updated = new ContentInfo(digest, current.size(), current.createdAt(), Instant.now(),
          change.apply(current.labels()));
      Sql.update(c, "UPDATE content_blobs SET labels = ?, updated_at = ? WHERE namespace = ? AND digest = ?",
          Labels.toJson(updated.labels()), EpochNanos.fromInstant(updated.updatedAt()), namespace, digest);
      return updated;
    });
  }

  /** Removes the namespace's record; false if it had none. */
  boolean delete(String namespace, String digest) {
    return db.write(c -> Sql.update(c, "DELETE FROM content_blobs WHERE namespace = ? AND digest = ?",
        namespace, digest) > 0);
  }

  /** Removes the namespace's records of {@code digests} in one transaction; returns those it had. */
  List<ContentInfo> deleteAll(String namespace, List<String> digests) {
    return db.write(c -> {
      List<ContentInfo> removed = new ArrayList<>();
      for (String digest : digests) {
        Optional<ContentInfo> info = find(c, namespace, digest);
        if (info.isPresent()) {
          Sql.update(c, "DELETE FROM content_blobs WHERE namespace = ? AND digest = ?", namespace, digest);
          removed.add(info.get());
        }
      }
      return removed;
    });
  }

  /** Every digest some namespace holds. */
  Set<String> allDigests() {
    return new HashSet<>(db.read(c -> Sql.query(c, "SELECT DISTINCT digest FROM content_blobs", r -> r.getString(1))));
  }

  /** Whether any namespace still holds the blob. */
  boolean referenced(String digest) {
    return db.read(c -> Sql.queryOne(c, "SELECT 1 FROM content_blobs WHERE digest = ? LIMIT 1", r -> true, digest)
        .isPresent());
  }

  private static Optional<ContentInfo> find(Connection c, String namespace, String digest) throws SQLException {
    return Sql.queryOne(c, "SELECT " + COLUMNS + " FROM content_blobs WHERE namespace = ? AND digest = ?",
        BlobRecords::info, namespace, digest);
  }

  private static ContentInfo info(ResultSet r) throws SQLException {
    return new ContentInfo(r.getString(1), r.getLong(2), EpochNanos.toInstant(r.getLong(3)),
        EpochNanos.toInstant(r.getLong(4)), Labels.fromJson(r.getString(5)));
  }
}
