package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fifo's read end watched as an idle container's stdin is: no wake-up until a writer comes, one per request. */
class ReadinessWatcherTest {
  @TempDir
  Path dir;
  private Path fifo;
  private ReadinessWatcher watcher;
  private FifoReader reader;
  private final BlockingQueue<Integer> wakeUps = new LinkedBlockingQueue<>();

  @BeforeEach
  void openFifo() throws ErrnoException {
    fifo = dir.resolve("stdin");
    Syscalls.mknod(fifo, Syscalls.S_IFIFO | 0600, 0, 0);
    watcher = new ReadinessWatcher("test-watcher");
    reader = FifoReader.open(fifo);
  }

  @AfterEach
  void close() {
    watcher.forget(reader.fd());
    reader.close();
    watcher.close();
  }

  @Test
  void wakesOncePerRequestForDataThenForTheWritersHangUp() throws Exception {
    watcher.whenReadable(reader.fd(), wakeUps::add);
    assertNull(wakeUps.poll(150, TimeUnit.MILLISECONDS), "no writer came: nothing to report, no end of file");
    assertEquals(0, reader.readNow(new byte[16]), "a fifo without a writer reads as empty");

    OutputStream out = Files.newOutputStream(fifo);
    out.write("hi".getBytes(StandardCharsets.UTF_8));
    out.flush();
    int events = wakeUps.poll(5, TimeUnit.SECONDS);
    assertTrue((events & ReadinessWatcher.READABLE) != 0);
    byte[] buffer = new byte[16];
    assertEquals(2, reader.readNow(buffer));
    assertEquals("hi", new String(buffer, 0, 2, StandardCharsets.UTF_8));
    assertEquals(-1, reader.readNow(buffer), "the writer is there with nothing more to say");

    out.write('!');
    assertNull(wakeUps.poll(150, TimeUnit.MILLISECONDS), "not asked again: no second wake-up");
    watcher.whenReadable(reader.fd(), wakeUps::add);
    assertTrue((wakeUps.poll(5, TimeUnit.SECONDS) & ReadinessWatcher.READABLE) != 0, "asked again: data already there wakes it at once");
    assertEquals(1, reader.readNow(buffer));

    watcher.whenReadable(reader.fd(), wakeUps::add);
    out.close();
    assertTrue((wakeUps.poll(5, TimeUnit.SECONDS) & ReadinessWatcher.HUNG_UP) != 0, "the writer left: hang-up");
    assertEquals(0, reader.readNow(buffer), "end of file");
  }

  @Test
  void aForgottenDescriptorWakesNobody() throws Exception {
    watcher.whenReadable(reader.fd(), wakeUps::add);
    watcher.forget(reader.fd());
    try (OutputStream out = Files.newOutputStream(fifo)) {
      out.write('x');
      out.flush();
      assertNull(wakeUps.poll(200, TimeUnit.MILLISECONDS));
    }
  }
}
