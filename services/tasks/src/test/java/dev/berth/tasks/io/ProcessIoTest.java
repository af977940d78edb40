package dev.berth.tasks.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.grpc.BerthException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ProcessIoTest {
  @Test
  void readsFifoPathsAndFileUris() {
    ProcessIo io = new ProcessIo("/run/x/in", "/run/x/out", "file:///var/log/c.log", false);
    assertEquals(new ProcessIo.Fifo(Path.of("/run/x/out")), io.stdoutTarget());
    assertEquals(new ProcessIo.AppendFile(Path.of("/var/log/c.log")), io.stderrTarget());
    assertEquals(Path.of("/run/x/in"), io.stdinFifo().orElseThrow());
    assertTrue(io.any());
  }

  @Test
  void noIoAtAllAndTerminalsWithoutStderr() {
    assertFalse(new ProcessIo("", "", "", false).any());
    assertEquals(new ProcessIo.Discard(), new ProcessIo("", "/out", "/err", true).stderrTarget());
  }

  @Test
  void refusesWhatItCannotServe() {
    assertThrows(BerthException.class, () -> new ProcessIo("", "binary:///usr/bin/logger", "", false));
    assertThrows(BerthException.class, () -> new ProcessIo("", "relative/path", "", false));
    assertThrows(BerthException.class, () -> new ProcessIo("file:///in", "", "", false));
  }
}
