package dev.berth.common.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.api.grpc.Errors;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataStoreTest {
  @TempDir Path root;

  private static int count(MetadataStore store) {
    return store.read(c -> {
      try (ResultSet r = c.createStatement().executeQuery("SELECT count(*) FROM t")) {
        return r.getInt(1);
      }
    });
  }

  @Test
  void failedTransactionLeavesNothingAndCommittedOneSurvivesReopen() throws Exception {
    Path file = root.resolve("meta.db");
    try (MetadataStore store = MetadataStore.open(file)) {
      store.migrate("test", List.of("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY)"));
      store.write(c -> {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?)")) {
          p.setString(1, "kept");
          return p.executeUpdate();
        }
      });
      assertThrows(RuntimeException.class, () -> store.write(c -> {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?)")) {
          p.setString(1, "rolled-back");
          p.executeUpdate();
        }
        throw Errors.failedPrecondition("refused half-way");
      }));
      assertEquals(1, count(store));
    }
    try (MetadataStore store = MetadataStore.open(file)) {
      store.migrate("test", List.of("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY)"));
      assertEquals(1, count(store));
    }
  }

  @Test
  void aColumnIsAddedOnceWithItsOlderRowsFilled() throws Exception {
    Path file = root.resolve("meta.db");
    try (MetadataStore store = MetadataStore.open(file)) {
      store.migrate("test", List.of("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY)"));
      store.write(c -> c.createStatement().executeUpdate("INSERT INTO t VALUES ('older')"));
      store.addColumn("t", "extra", "TEXT", List.of("UPDATE t SET extra = 'filled' WHERE extra IS NULL"));
      store.write(c -> c.createStatement().executeUpdate("INSERT INTO t VALUES ('newer', 'x')"));
    }
    try (MetadataStore store = MetadataStore.open(file)) {
      store.addColumn("t", "extra", "TEXT", List.of("UPDATE t SET extra = 'again'"));
      assertEquals(List.of("newer=x", "older=filled"), store.read(c -> {
        List<String> rows = new java.util.ArrayList<>();
        try (ResultSet r = c.createStatement().executeQuery("SELECT k, extra FROM t ORDER BY k")) {
          while (r.next()) {
            rows.add(r.getString(1) + "=" + r.getString(2));
          }
        }
        return rows;
      }));
    }
  }

  private static int synchronous(MetadataStore store) {
    return store.read(c -> {
      try (ResultSet r = c.createStatement().executeQuery("PRAGMA synchronous")) {
        return r.getInt(1);
      }
    });
  }

  @Test
  void anUnflushedWriteCommitsAllOrNothingAndLeavesLaterWritesFlushed() throws Exception {
    Path file = root.resolve("meta.db");
    try (MetadataStore store = MetadataStore.open(file)) {
      store.migrate("test", List.of("CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY)"));
      store.writeUnflushed(c -> {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?)")) {
          p.setString(1, "lease");
          return p.executeUpdate();
        }
      });
      assertThrows(RuntimeException.class, () -> store.writeUnflushed(c -> {
        try (PreparedStatement p = c.prepareStatement("INSERT INTO t VALUES (?)")) {
          p.setString(1, "rolled-back");
          p.executeUpdate();
        }
        throw Errors.failedPrecondition("refused half-way");
      }));
      assertEquals(1, count(store));
      assertEquals(2, synchronous(store), "FULL again for the writes after it");
    }
    try (MetadataStore store = MetadataStore.open(file)) {
      assertEquals(1, count(store));
    }
  }
}
