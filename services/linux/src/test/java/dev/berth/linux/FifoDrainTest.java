package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FifoDrainTest {
  @TempDir
  Path dir;

  private Path fifo() throws ErrnoException {
    Path fifo = dir.resolve("fifo");
    Syscalls.mknod(fifo, Syscalls.S_IFIFO | 0600, 0, 0);
    return fifo;
  }

  /** A writer as runc's init is one: blocked opening the fifo, then writing, waiting a little and closing. */
  private static CompletableFuture<Void> writer(Path fifo, String data, long holdMillis) {
    return CompletableFuture.runAsync(() -> {
      try (OutputStream out = Files.newOutputStream(fifo)) {
        out.write(data.getBytes(StandardCharsets.UTF_8));
        out.flush();
        Thread.sleep(holdMillis);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
  }

  @Test
  void readsWhatAWriterBlockedInOpenWritesUntilItCloses() throws Exception {
    Path fifo = fifo();
    CompletableFuture<Void> writing = writer(fifo, "0", 200);
    Thread.sleep(100);
    long start = System.nanoTime();
    Optional<byte[]> read = FifoDrain.readAll(fifo, () -> true, Duration.ofSeconds(10));
    long took = System.nanoTime() - start;
    assertArrayEquals("0".getBytes(StandardCharsets.UTF_8), read.orElseThrow());
    assertTrue(took >= TimeUnit.MILLISECONDS.toNanos(150), "returns once the writer has closed the fifo, not at its byte");
    writing.get(5, TimeUnit.SECONDS);
  }

  @Test
  void waitsForAWriterThatComesLater() throws Exception {
    Path fifo = fifo();
    CompletableFuture<Void> writing = CompletableFuture.runAsync(() -> { }, CompletableFuture.delayedExecutor(150, TimeUnit.MILLISECONDS))
        .thenCompose(v -> writer(fifo, "hello", 0));
    assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8),
        FifoDrain.readAll(fifo, () -> true, Duration.ofSeconds(10)).orElseThrow());
    writing.get(5, TimeUnit.SECONDS);
  }

  @Test
  void givesUpOnAWriterThatWillNotCome() throws Exception {
    assertEquals(Optional.empty(), FifoDrain.readAll(fifo(), () -> false, Duration.ofSeconds(10)));
  }

  @Test
  void waitsForAWriterNoLongerThanAsked() throws Exception {
    ErrnoException e = assertThrows(ErrnoException.class, () -> FifoDrain.readAll(fifo(), () -> true, Duration.ofMillis(50)));
    assertEquals(ErrnoException.EAGAIN, e.errno());
  }

  @Test
  void aMissingFifoIsENOENT() {
    ErrnoException e = assertThrows(ErrnoException.class,
        () -> FifoDrain.readAll(dir.resolve("none"), () -> true, Duration.ofSeconds(1)));
    assertEquals(ErrnoException.ENOENT, e.errno());
  }
}
