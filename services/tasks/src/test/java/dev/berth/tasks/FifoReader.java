package dev.berth.tasks;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;

/** Reads a FIFO to its end on a thread of its own, as ctr does with a task's output. */
final class FifoReader {
  private FifoReader() {}

  static CompletableFuture<String> readAll(Path fifo) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (InputStream in = Files.newInputStream(fifo)) {
        text.complete(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      } catch (IOException e) {
        text.completeExceptionally(e);
      }
    }, "fifo-reader " + fifo.getFileName());
    t.setDaemon(true);
    t.start();
    return text;
  }

  /** The first line written to the FIFO (then the reader stops reading and closes it). */
  static CompletableFuture<String> firstLine(Path fifo) {
    CompletableFuture<String> line = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(fifo), StandardCharsets.UTF_8))) {
        line.complete(in.readLine());
      } catch (IOException e) {
        line.completeExceptionally(e);
      }
    }, "fifo-line-reader " + fifo.getFileName());
    t.setDaemon(true);
    t.start();
    return line;
  }
}
