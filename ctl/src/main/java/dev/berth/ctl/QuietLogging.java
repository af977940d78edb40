package dev.berth.ctl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.LogManager;

/**
 * berthctl's {@code java.util.logging} configuration, named by {@code java.util.logging.config.class}:
 * library records (gRPC's) are dropped, since a command's output is its own lines and one-line
 * errors. The JDK builds it only if something asks for a logger: gRPC's classes do as a command
 * calls berthd, but the commands that do not (help screens) no longer start the JDK's logging,
 * whose first use reads every jar on the class path looking for a logging back end.
 */
public final class QuietLogging {
  static final String PROPERTY = "java.util.logging.config.class";

  public QuietLogging() throws IOException {
    LogManager.getLogManager().readConfiguration(
        new ByteArrayInputStream(".level=OFF\nhandlers=\n".getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** Makes this class the logging configuration, unless the user named one. */
  static void install() {
    if (System.getProperty(PROPERTY) == null && System.getProperty("java.util.logging.config.file") == null) {
      System.setProperty(PROPERTY, QuietLogging.class.getName());
    }
  }
}
