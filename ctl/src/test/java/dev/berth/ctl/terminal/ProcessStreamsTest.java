package dev.berth.ctl.terminal;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessStreamsTest {
  @Test
  void inputForAStdinFifoThatIsGoneIsNotKeptInAFileOfItsOwn() throws Exception {
    // start -ai of a container that ends at once: close() may remove the FIFO before the input's
    // copier opens it, which then must not make a file there, holding the input in /tmp for good
    try (ProcessStreams streams = ProcessStreams.create(true, false)) {
      Path stdin = Path.of(streams.stdinPath());
      Files.delete(stdin);
      List<Thread> before = copiers();
      streams.copyInput(new ByteArrayInputStream("secret\n".getBytes(StandardCharsets.UTF_8)), DetachKeys.NONE,
          () -> {});
      for (Thread t : copiers()) {
        if (!before.contains(t)) {
          t.join();
        }
      }
      assertFalse(Files.exists(stdin), "a file was made where the FIFO was");
    }
  }

  private static List<Thread> copiers() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("berthctl-stdin")).toList();
  }
}
