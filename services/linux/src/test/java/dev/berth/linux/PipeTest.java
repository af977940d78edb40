package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PipeTest {
  @Test
  void readsWhatWasWrittenLineByLine() throws Exception {
    try (Pipe p = Pipe.open()) {
      p.write("one\ntwo\n");
      assertEquals(Optional.of("one"), p.readLine(Duration.ofSeconds(5)));
      assertEquals(Optional.of("two"), p.readLine(Duration.ofSeconds(5)));
    }
  }

  @Test
  void aClosedWriteEndEndsTheInput() throws Exception {
    try (Pipe p = Pipe.open()) {
      p.write("unfinished");
      p.closeWriteEnd();
      assertEquals(Optional.empty(), p.readLine(Duration.ofSeconds(5)));
    }
  }

  @Test
  void waitsNoLongerThanAsked() throws Exception {
    try (Pipe p = Pipe.open()) {
      ErrnoException e = assertThrows(ErrnoException.class, () -> p.readLine(Duration.ofMillis(50)));
      assertEquals(ErrnoException.EAGAIN, e.errno());
    }
  }
}
