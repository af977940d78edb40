package dev.berth.ctl;

import java.util.logging.Level;

/** Docker's {@code --log-level} values, spelt as Docker's. */
enum LogLevel {
  debug, info, warn, error, fatal;

  /**
   * The JDK's level of the records shown. Mapped here, not held by the constants: picocli lists
   * the constants while it builds the root command, and the logging classes should not be loaded
   * by every command.
   */
  Level level() {
    return switch (this) {
      case debug -> Level.FINE;
      case info -> Level.INFO;
      case warn -> Level.WARNING;
      case error, fatal -> Level.SEVERE;
    };
  }
}
