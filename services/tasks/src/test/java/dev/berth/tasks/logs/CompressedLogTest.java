package dev.berth.tasks.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An older file gzipped as Docker's logger gzips it, and read back. */
class CompressedLogTest {
  private static final String LINES = "2024-03-01T09:00:00.000000001+01:00 stdout F one\n"
      + "2024-03-01T09:00:02.123456789+01:00 stderr F two\n";

  @TempDir
  Path dir;

  @Test
  void compressWritesGoGzipsHeaderWithTheLastLinesTimeAndRemovesThePlainFile() throws IOException {
    Path plain = dir.resolve("c.log.1");
    Files.writeString(plain, LINES);
    CompressedLog.compress(plain);

    Path gz = dir.resolve("c.log.1.gz");
    assertFalse(Files.exists(plain));
    assertFalse(Files.exists(CompressedLog.partial(gz)));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(gz)), "Docker's 0640");
    byte[] bytes = Files.readAllBytes(gz);
    String extra = "{\"lastTime\":\"2024-03-01T09:00:02.123456789+01:00\"}";
    // magic, deflate, FEXTRA, no mtime, no extra flags, OS unknown: as Go's gzip writer with Header.Extra
    assertArrayEquals(new byte[] {0x1f, (byte) 0x8b, 8, 4, 0, 0, 0, 0, 0, (byte) 255, (byte) extra.length(), 0},
        Arrays.copyOf(bytes, 12));
    assertEquals(extra, new String(bytes, 12, extra.length(), StandardCharsets.US_ASCII));
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      assertEquals(LINES, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    try (FileChannel file = FileChannel.open(gz, StandardOpenOption.READ)) {
      Instant last = Instant.parse("2024-03-01T08:00:02.123456789Z");
      assertEquals(Optional.of(Timestamp.newBuilder().setSeconds(last.getEpochSecond()).setNanos(last.getNano()).build()),
          CompressedLog.lastTime(file));
    }
  }

  @Test
  void aFileWhoseEndIsNoLogLineGetsAnEmptyExtraField() throws IOException {
    Path plain = dir.resolve("c.log.1");
    Files.writeString(plain, LINES + "2024-03-01T09:00:03Z stdout F cut sh");
    CompressedLog.compress(plain);
    try (FileChannel file = FileChannel.open(dir.resolve("c.log.1.gz"), StandardOpenOption.READ)) {
      assertEquals(Optional.empty(), CompressedLog.lastTime(file));
    }
  }

  @Test
  void decompressedIsAnUnnamedCopyReadFromItsStart() throws IOException {
    Path plain = dir.resolve("c.log.1");
    Files.writeString(plain, LINES);
    CompressedLog.compress(plain);
    try (FileChannel gz = FileChannel.open(dir.resolve("c.log.1.gz"), StandardOpenOption.READ);
        FileChannel copy = CompressedLog.decompressed(gz)) {
      assertEquals(LINES.length(), copy.size());
      assertEquals(0, copy.position());
      try (InputStream in = Channels.newInputStream(copy)) {
        assertEquals(LINES, new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    }
    try (var files = Files.list(dir)) {
      assertEquals(1, files.count(), "nothing beside the compressed file");
    }
    assertTrue(Files.exists(dir.resolve("c.log.1.gz")));
  }
}
