package dev.berth.client.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.client.ClientException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class SizedCopyTest {
  @Test
  void aFileThatKeepsGrowingIsCopiedAsLongAsItsStatSaid() throws IOException {
    // as /dev/zero: never at its end, as a file a container extends faster than it is read
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return 0;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        return len;
      }
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SizedCopy.copy(endless, out, 100_000, "/grows");
    assertEquals(100_000, out.size());
  }

  @Test
  void aFileThatShrankFailsInTheWordsOfGosTarWriter() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ClientException e = assertThrows(ClientException.class,
        () -> SizedCopy.copy(new ByteArrayInputStream(new byte[10]), out, 25, "/var/log/app.log"));
    assertEquals("/var/log/app.log shrank while it was copied: archive/tar: missed writing 15 bytes", e.getMessage());
  }
}
