package dev.berth.common.log;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoggingTest {
  @AfterEach
  void resetLogging() throws IOException {
    LogManager.getLogManager().readConfiguration();
  }

  @Test
  void debugLogsBerthsCallsButNotTheJdkHttpClientsTrace() {
    Logging.configure(true);

    assertTrue(Logger.getLogger("dev.berth.common.grpc.CallLogging").isLoggable(Level.FINE));
    // the logger the JDK's HTTP client traces through, as the client itself asks for it
    System.Logger trace = System.getLogger("jdk.internal.httpclient.debug");
    assertFalse(trace.isLoggable(System.Logger.Level.DEBUG));
    assertTrue(trace.isLoggable(System.Logger.Level.INFO));
  }
}
