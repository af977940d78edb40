package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A terminal's size set through a path to it, as a process's stdin names its terminal. */
class TerminalSizeTest {
  @TempDir Path tmp;

  @Test
  void theSizeIsSetOnTheTerminalBeforeTheCallReturns() throws Exception {
    // script(1) gives its child a terminal of its own; the child's stdin names it
    Process script = new ProcessBuilder("script", "-qc", "exec sleep 30", "/dev/null")
        .redirectInput(ProcessBuilder.Redirect.PIPE).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    try {
      Path stdin = terminalOfChild(script.pid());
      TerminalSize.set(stdin, 22, 77);
      Process stty = new ProcessBuilder("stty", "-F", stdin.toString(), "size").start();
      String size = new String(stty.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
      assertTrue(stty.waitFor(10, TimeUnit.SECONDS));
      assertEquals("22 77", size);
    } finally {
      script.descendants().forEach(ProcessHandle::destroyForcibly);
      script.destroyForcibly();
    }
  }

  @Test
  void somethingThatIsNoTerminalIsRefused() throws Exception {
    Path file = Files.writeString(tmp.resolve("plain"), "not a terminal");
    ErrnoException e = assertThrows(ErrnoException.class, () -> TerminalSize.set(file, 24, 80));
    assertEquals(25, e.errno(), e.getMessage()); // ENOTTY
  }

  /** The stdin of the sleep script(1) runs, once it is there. */
  private static Path terminalOfChild(long scriptPid) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (Instant.now().isBefore(deadline)) {
      var child = ProcessHandle.of(scriptPid).flatMap(h -> h.descendants()
          .filter(d -> d.info().command().map(c -> c.endsWith("sleep")).orElse(false)).findFirst());
      if (child.isPresent()) {
        Path stdin = Path.of("/proc", Long.toString(child.get().pid()), "fd", "0");
        if (Files.readSymbolicLink(stdin).toString().startsWith("/dev/pts/")) {
          return stdin;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("script(1) started no child on a terminal");
  }
}
