package dev.berth.common.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The few JDBC shapes the stores need, so their SQL reads without statement and result-set boilerplate. */
public final class Sql {
  /** Turns the current row of a result set into a value. */
  @FunctionalInterface
  public interface Row<T> {
    T map(ResultSet row) throws SQLException;
  }

  private Sql() {}

  /** Runs an INSERT, UPDATE or DELETE and returns the number of rows it changed. */
  public static int update(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement p = prepare(c, sql, Statement.NO_GENERATED_KEYS, params)) {
      return p.executeUpdate();
    }
  }

  /** Runs an INSERT and returns the key SQLite gave the new row (its rowid). */
  public static long insert(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement p = prepare(c, sql, Statement.RETURN_GENERATED_KEYS, params)) {
      p.executeUpdate();
      try (ResultSet keys = p.getGeneratedKeys()) {
        if (!keys.next()) {
          throw new SQLException("no key for the new row: " + sql);
        }
        return keys.getLong(1);
      }
    }
  }

  public static <T> List<T> query(Connection c, String sql, Row<T> row, Object... params) throws SQLException {
    try (PreparedStatement p = prepare(c, sql, Statement.NO_GENERATED_KEYS, params); ResultSet r = p.executeQuery()) {
      List<T> out = new ArrayList<>();
      while (r.next()) {
        out.add(row.map(r));
      }
      return out;
    }
  }

  public static <T> Optional<T> queryOne(Connection c, String sql, Row<T> row, Object... params)
      throws SQLException {
    List<T> all = query(c, sql, row, params);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  private static PreparedStatement prepare(Connection c, String sql, int generatedKeys, Object... params)
      throws SQLException {
    PreparedStatement p = c.prepareStatement(sql, generatedKeys);
    try {
      for (int i = 0; i < params.length; i++) {
        p.setObject(i + 1, params[i]);
      }
      return p;
    } catch (SQLException e) {
      p.close();
      throw e;
    }
  }
}
