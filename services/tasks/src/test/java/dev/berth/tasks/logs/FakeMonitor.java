package dev.berth.tasks.logs;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a log as conmon does: through the file it opened, which a rename leaves it writing, and
 * on an order (its control FIFO's "2") makes a new file and renames it over the log. Prompt, it
 * carries an order out at once; else at {@link #carryOutOrders}, as conmon reads its FIFO later.
 */
final class FakeMonitor implements Closeable {
  private final Path log;
  private final boolean prompt;
  private OutputStream out;
  private int pending;
  private int refusals;
  private int reopened;

  FakeMonitor(Path log, boolean prompt) throws IOException {
    this.log = log;
    this.prompt = prompt;
    this.out = Files.newOutputStream(log, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  synchronized void write(int bytes) throws IOException {
    out.write("x".repeat(bytes).getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** The next {@code n} orders fail to reach it, as a FIFO write that fails. */
  synchronized void refuse(int n) {
    refusals = n;
  }

  /** The order a rotator gives. */
  synchronized void order() {
    if (refusals > 0) {
      refusals--;
      throw new IllegalStateException("cannot write to the monitor's control fifo");
    }
    pending++;
    if (prompt) {
      carryOutOrders();
    }
  }

  synchronized void carryOutOrders() {
    try {
      for (; pending > 0; pending--) {
        out.close();
        Path next = log.resolveSibling(log.getFileName() + ".tmp");
        out = Files.newOutputStream(next, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE);
        Files.move(next, log, StandardCopyOption.ATOMIC_MOVE);
        reopened++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How many new logs it has opened. */
  synchronized int reopened() {
    return reopened;
  }

  @Override
  public synchronized void close() throws IOException {
    out.close();
  }
}
