package dev.berth.snapshots.diff;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class ReadAheadStreamTest {
  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  @Test
  void passesEveryByteInOrderWhateverTheLengths() throws IOException {
    // more buffers' worth than go round, ending mid-buffer, on a buffer boundary, and empty
    for (int n : new int[] {ReadAheadStream.BUFFER_BYTES * (ReadAheadStream.BUFFERS * 3) + 12345,
        ReadAheadStream.BUFFER_BYTES * 2, 0}) {
      byte[] data = random(n);
      try (ReadAheadStream in = new ReadAheadStream(new ByteArrayInputStream(data), "test")) {
        assertArrayEquals(data, in.readAllBytes());
        assertEquals(-1, in.read());
      }
    }
  }

  @Test
  void aFailureOfTheSourceReachesTheReaderAfterTheBytesBeforeIt() throws IOException {
    byte[] data = random(ReadAheadStream.BUFFER_BYTES * 2);
    IllegalStateException corrupt = new IllegalStateException("corrupt");
    InputStream failing = new InputStream() {
      @Override
      public int read() {
        throw corrupt;
      }
    };
    try (ReadAheadStream in = new ReadAheadStream(new SequenceInputStream(new ByteArrayInputStream(data), failing),
        "test")) {
      assertArrayEquals(data, in.readNBytes(data.length));
      assertSame(corrupt, assertThrows(IllegalStateException.class, () -> in.read(new byte[10], 0, 10)));
    }
  }

  @Test
  void closingMidwayStopsTheReaderAndClosesTheSource() throws IOException {
    AtomicBoolean closed = new AtomicBoolean();
    InputStream endless = new InputStream() {
      @Override
      public int read() {
        return 7;
      }

      @Override
      public void close() {
        closed.set(true);
      }
    };
    ReadAheadStream in = new ReadAheadStream(endless, "test");
    assertEquals(7, in.read());
    in.close();
    assertTrue(closed.get());
  }
}
