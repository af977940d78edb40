package dev.berth.ctl;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What {@code version} shows of berthctl besides its version: the commit and time of its build
 * ({@code commit.properties}, written by {@code scripts/build-info.sh} as the jar is built) and the
 * Java runtime it runs on.
 */
record ClientBuild(String commit, String built, String javaVersion) {
  static final ClientBuild INSTANCE = read();

  private static ClientBuild read() {
    Properties p = new Properties();
    try (InputStream in = ClientBuild.class.getResourceAsStream("commit.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ClientBuild(p.getProperty("revision", "unknown"), p.getProperty("built", "unknown"),
        System.getProperty("java.version"));
  }
}
