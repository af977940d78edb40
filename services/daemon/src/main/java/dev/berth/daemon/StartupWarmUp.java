package dev.berth.daemon;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * Static initialisers that berthd's start and its first calls run anyway, run ahead on a thread
 * of the start's own while the main thread builds the services: Jackson's (the first
 * {@code ObjectMapper}, ~27 ms on a 2-core machine) and the JDK's secure random generator behind
 * {@code UUID.randomUUID()} (~10 ms). On the main thread they came before the sockets opened; a
 * service that needs one meanwhile waits for the initialiser in progress, as the JVM has any
 * thread do.
 */
final class StartupWarmUp {
  private StartupWarmUp() {}

  static void start(Executor executor) {
    executor.execute(() -> {
      new ObjectMapper();
      UUID.randomUUID();
    });
  }
}
