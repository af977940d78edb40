package dev.berth.common.store;

import dev.berth.api.grpc.Errors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.logging.Logger;
import org.sqlite.SQLiteConfig;

/**
 * The embedded ACID store behind every service's records: one SQLite database in WAL mode with
 * full fsync, so a committed transaction survives a crash and a torn one leaves nothing.
 * Each service creates its own tables with {@link #migrate}; calls are serialised on one
 * connection, which is plenty for metadata and keeps SQLite's locking out of the picture.
 */
public final class MetadataStore implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(MetadataStore.class.getName());

  /** Work done with the store's connection. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  private final Connection connection;
  private final ReentrantLock lock = new ReentrantLock();
  private final Path file;

  private MetadataStore(Path file, Connection connection) {
    this.file = file;
    this.connection = connection;
  }

  public static MetadataStore open(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    SQLiteConfig config = new SQLiteConfig();
    config.setJournalMode(SQLiteConfig.JournalMode.WAL);
    config.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    config.enforceForeignKeys(true);
    config.setBusyTimeout(10_000);
    try {
      Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath(), config.toProperties());
      LOG.fine("opened metadata store " + file);
      return new MetadataStore(file, c);
    } catch (SQLException e) {
      throw new IOException("cannot open metadata store " + file + ": " + e.getMessage(), e);
    }
  }

  /** Creates {@code component}'s tables and indexes; each statement must be idempotent. */
  public void migrate(String component, List<String> statements) {
    write(c -> {
      try (Statement s = c.createStatement()) {
        for (String sql : statements) {
          s.execute(sql);
        }
      }
      return null;
    });
    LOG.fine("schema ready for " + component);
  }

  /**
   * Adds a column to a table that {@link #migrate} made before the column was part of it, then
   * runs {@code fill} (statements giving the older rows, which get NULL, their values) in the same
   * transaction. A table that has the column already is only read: a start writes nothing.
   */
  public void addColumn(String table, String column, String type, List<String> fill) {
    boolean present = read(c -> {
      try (Statement s = c.createStatement(); ResultSet columns = s.executeQuery("PRAGMA table_info(" + table + ")")) {
        while (columns.next()) {
          if (columns.getString("name").equals(column)) {
            return true;
          }
        }
        return false;
      }
    });
    if (present) {
      return;
    }
    write(c -> {
      try (Statement s = c.createStatement()) {
        s.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
        for (String sql : fill) {
          s.execute(sql);
        }
      }
      return null;
    });
    LOG.info("added column " + column + " to " + table);
  }

  /** Runs {@code work} in one transaction: all of it commits, or none of it. */
  public <T> T write(Work<T> work) {
    return write(work, true);
  }

  /**
   * As {@link #write}, but the commit is not flushed to the disk on its own: it survives berthd
   * being killed at once (it is in the WAL, in the kernel's cache) and reaches the disk with the
   * next flushed commit of any writer; a machine that crashes before loses it whole, never part
   * of it. For records that live for seconds, such as the lease of a client's command: each
   * flush costs 0.2 to 40 ms here, depending on what else writes to the disk.
   */
  public <T> T writeUnflushed(Work<T> work) {
    return write(work, false);
  }

  private <T> T write(Work<T> work, boolean flushed) {
    lock.lock();
    try {
      if (!flushed) {
        synchronous(connection, "NORMAL");
      }
      try {
        return transaction(work);
      } finally {
        if (!flushed) {
          synchronous(connection, "FULL");
        }
      }
    } catch (SQLException e) {
      throw Errors.internal(e, "metadata store %s: %s", file, e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  /** In WAL mode FULL syncs the WAL at every commit, NORMAL only at checkpoints; set between transactions. */
  private static void synchronous(Connection c, String mode) throws SQLException {
    try (Statement s = c.createStatement()) {
      s.execute("PRAGMA synchronous = " + mode);
    }
  }

  private <T> T transaction(Work<T> work) throws SQLException {
    connection.setAutoCommit(false);
    try {
      T result = work.run(connection);
      connection.commit();
      return result;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(true);
    }
  }

  /** Runs {@code work} that only reads. */
  public <T> T read(Work<T> work) {
    lock.lock();
    try {
      return work.run(connection);
    } catch (SQLException e) {
      throw Errors.internal(e, "metadata store %s: %s", file, e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void close() {
    lock.lock();
    try {
      connection.close();
    } catch (SQLException e) {
      LOG.warning("closing metadata store " + file + ": " + e.getMessage());
    } finally {
      lock.unlock();
    }
  }
}
