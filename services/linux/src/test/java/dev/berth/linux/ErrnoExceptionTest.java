package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ErrnoExceptionTest {
  @TempDir Path tmp;

  @Test
  void namesTheCallTheSubjectAndTheErrno() {
    ErrnoException e = new ErrnoException("setns", "/run/netns/x", ErrnoException.EINVAL, "not a namespace");
    assertEquals("setns /run/netns/x: Invalid argument (errno 22): not a namespace", e.getMessage());
    assertEquals("setns", e.call());
    assertEquals("/run/netns/x", e.subject());
    assertEquals(ErrnoException.EINVAL, e.errno());
  }

  @Test
  void aFailedCallCarriesItsErrno() {
    Path absent = tmp.resolve("absent");
    ErrnoException e = assertThrows(ErrnoException.class, () -> Syscalls.open(absent));
    assertEquals(ErrnoException.ENOENT, e.errno());
    assertEquals("open " + absent + ": No such file or directory (errno 2)", e.getMessage());
  }
}
