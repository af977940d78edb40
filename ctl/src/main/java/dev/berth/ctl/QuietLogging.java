package dev.berth.ctl;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

/**
 * berthctl's {@code java.util.logging} configuration, named by {@code java.util.logging.config.class}:
 * library records (gRPC's) are dropped, since a command's output is its own lines and one-line
 * errors. The JDK builds it only if something asks for a logger: gRPC's classes do as a command
 * calls berthd, but the commands that do not (help screens) no longer start the JDK's logging,
 * whose first use reads every jar on the class path looking for a logging back end.
 */
public final class QuietLogging {
  static final String PROPERTY = "java.util.logging.config.class";
  private static final String RUNTIME_EXIT_LOGGER = "java.lang.Runtime";

  public QuietLogging() throws IOException {
    LogManager.getLogManager().readConfiguration(
        new ByteArrayInputStream(".level=OFF\nhandlers=\n".getBytes(StandardCharsets.ISO_8859_1)));
  }

  /**
   * Docker's {@code -D} and {@code --log-level}: records of {@code level} and above, from every
   * logger (gRPC's too), one a line on {@code err}, in place of the quiet configuration.
   */
  static void show(Level level, PrintStream err) {
    LogManager.getLogManager().reset();
    Handler handler = new StreamHandler(err, new SimpleFormatter()) {
      @Override
      public synchronized void publish(LogRecord record) {
        super.publish(record);
        flush();
      }
    };
    handler.setLevel(level);
    // the JDK logs every System.exit at debug level with a stack trace: berthctl's own exit is no news
    handler.setFilter(r -> !RUNTIME_EXIT_LOGGER.equals(r.getLoggerName()));
    Logger root = Logger.getLogger("");
    root.setLevel(level);
    root.addHandler(handler);
  }

  /** Makes this class the logging configuration, unless the user named one. */
  static void install() {
    if (System.getProperty(PROPERTY) == null && System.getProperty("java.util.logging.config.file") == null) {
      System.setProperty(PROPERTY, QuietLogging.class.getName());
    }
  }
}
