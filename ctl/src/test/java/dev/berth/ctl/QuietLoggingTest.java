package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.Test;

/** Docker's -D and --log-level: berthctl's otherwise quiet logging shows records from the level asked. */
class QuietLoggingTest {
  /** The test JVM's own logging configuration again, after a test changed it. */
  static void restoreLogging() {
    try {
      LogManager.getLogManager().readConfiguration();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void recordsOfTheLevelAskedAndAboveGoToStderr() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      QuietLogging.show(LogLevel.warn.level(), new PrintStream(err, true, StandardCharsets.UTF_8));
      Logger library = Logger.getLogger("io.grpc.SomeLibrary");
      library.info("not shown");
      library.warning("shown");
      String printed = err.toString(StandardCharsets.UTF_8);
      assertTrue(printed.contains("WARNING: shown"), printed);
      assertEquals(-1, printed.indexOf("not shown"), printed);
      assertEquals(Level.FINE, LogLevel.debug.level());
      QuietLogging.show(LogLevel.debug.level(), new PrintStream(err, true, StandardCharsets.UTF_8));
      Logger.getLogger("java.lang.Runtime").fine("Runtime.exit() called with status: 1");
      assertEquals(-1, err.toString(StandardCharsets.UTF_8).indexOf("Runtime.exit"),
          "the JDK's record of the exit is left out");
    } finally {
      restoreLogging();
    }
  }
}
