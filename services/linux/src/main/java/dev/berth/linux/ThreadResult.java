package dev.berth.linux;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Waits for work handed to a thread that must do it there (one in another namespace), and throws
 * what the work threw as if the caller had run it.
 */
public final class ThreadResult {
  private ThreadResult() {}

  /** {@code result}'s value; its IOException, RuntimeException or Error rethrown as it is. */
  public static <T> T await(CompletableFuture<T> result, String waitingFor) throws IOException {
    try {
      return result.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + waitingFor, e);
    }
  }
}
