package dev.berth.tasks.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A log's older files named as Docker's json-file driver names them. */
class RotatedLogsTest {
  @TempDir
  Path dir;

  @Test
  void shiftKeepsMaxFilesDroppingTheOldest() throws IOException {
    Path log = dir.resolve("c.log");
    for (String content : List.of("first", "second", "third", "fourth")) {
      Files.writeString(log, content);
      RotatedLogs.shift(log, 3);
    }
    assertFalse(Files.exists(log), "the monitor opens the next one");
    assertEquals("fourth", Files.readString(dir.resolve("c.log.1")));
    assertEquals("third", Files.readString(dir.resolve("c.log.2")));
    assertFalse(Files.exists(dir.resolve("c.log.3")), "max-file=3 counts the log itself");
  }

  @Test
  void shiftWithTwoFilesKeepsOneOlder() throws IOException {
    Path log = dir.resolve("c.log");
    Files.writeString(log, "first");
    RotatedLogs.shift(log, 2);
    Files.writeString(log, "second");
    RotatedLogs.shift(log, 2);
    assertEquals(List.of(dir.resolve("c.log.1"), log), RotatedLogs.oldestFirst(log));
    assertEquals("second", Files.readString(dir.resolve("c.log.1")));
  }

  @Test
  void oldestFirstTakesOnlyThisLogsNumberedFiles() throws IOException {
    Path log = dir.resolve("c.log");
    for (String name : List.of("c.log.1", "c.log.10", "c.log.2", "c.log.tmp", "c.log.20240301-101010", "c.log.0",
        "b.log.1", "xc.log.1")) {
      Files.writeString(dir.resolve(name), name);
    }
    assertEquals(List.of(dir.resolve("c.log.10"), dir.resolve("c.log.2"), dir.resolve("c.log.1"), log),
        RotatedLogs.oldestFirst(log));
    RotatedLogs.removeOlder(log);
    assertEquals(List.of(log), RotatedLogs.oldestFirst(log));
    assertTrue(Files.exists(dir.resolve("b.log.1")) && Files.exists(dir.resolve("c.log.tmp")));
  }

  @Test
  void shiftMovesCompressedFilesAndDropsTheOldestWhetherCompressedOrNot() throws IOException {
    Path log = dir.resolve("c.log");
    Files.writeString(dir.resolve("c.log.2.gz"), "oldest");
    Files.writeString(dir.resolve("c.log.1"), "older, not compressed yet");
    Files.writeString(log, "log");
    RotatedLogs.shift(log, 3);
    assertEquals(List.of(dir.resolve("c.log.2"), dir.resolve("c.log.1"), log), RotatedLogs.oldestFirst(log),
        "no place holds two files");
    assertFalse(Files.exists(dir.resolve("c.log.2.gz")));

    Files.writeString(dir.resolve("c.log.1.gz"), "compressed");
    Files.delete(dir.resolve("c.log.1"));
    Files.writeString(log, "log");
    RotatedLogs.shift(log, 3);
    assertEquals(List.of(dir.resolve("c.log.2.gz"), dir.resolve("c.log.1"), log), RotatedLogs.oldestFirst(log));
    assertEquals("compressed", Files.readString(dir.resolve("c.log.2.gz")));
  }

  @Test
  void compressOlderCompressesEveryPlainOlderFile() throws IOException {
    Path log = dir.resolve("c.log");
    Files.writeString(dir.resolve("c.log.2"), line(1));
    Files.writeString(dir.resolve("c.log.1"), line(2));
    Files.writeString(log, line(3));
    RotatedLogs.compressOlder(log);
    assertEquals(List.of(dir.resolve("c.log.2.gz"), dir.resolve("c.log.1.gz"), log), RotatedLogs.oldestFirst(log));
    assertEquals(line(1), gunzip(dir.resolve("c.log.2.gz")));
    assertEquals(line(3), Files.readString(log), "the log itself stays");
  }

  /** berthd died while writing the compressed copy: the plain file is read, and compressed again. */
  @Test
  void aCompressionCutShortWhileWritingIsDoneAgain() throws IOException {
    Path log = dir.resolve("c.log");
    Files.writeString(dir.resolve("c.log.1"), line(1) + line(2));
    Files.write(dir.resolve("c.log.1.gz.tmp"), new byte[] {0x1f, (byte) 0x8b, 8});
    assertEquals(List.of(dir.resolve("c.log.1"), log), RotatedLogs.oldestFirst(log));
    RotatedLogs.compressOlder(log);
    assertEquals(List.of("c.log.1.gz"), names());
    assertEquals(line(1) + line(2), gunzip(dir.resolve("c.log.1.gz")));
  }

  /** berthd died between the copy's rename and the plain file's removal: read once, then the plain file goes. */
  @Test
  void aCompressionCutShortBeforeThePlainFilesRemovalIsReadOnceAndFinished() throws IOException {
    Path log = dir.resolve("c.log");
    Path plain = dir.resolve("c.log.1");
    Files.writeString(plain, line(1));
    Files.copy(plain, dir.resolve("copy"));
    CompressedLog.compress(plain);
    Files.move(dir.resolve("copy"), plain);
    assertEquals(List.of(plain, log), RotatedLogs.oldestFirst(log), "the plain file only, not both");
    RotatedLogs.compressOlder(log);
    assertEquals(List.of("c.log.1.gz"), names());
    assertEquals(line(1), gunzip(dir.resolve("c.log.1.gz")));
  }

  /** The copy cut short was of a file rotated on since: it goes, and the file is compressed in its new place. */
  @Test
  void aCompressionLeftoverWhoseFileMovedOnGoes() throws IOException {
    Path log = dir.resolve("c.log");
    Files.write(dir.resolve("c.log.1.gz.tmp"), new byte[] {0x1f});
    Files.writeString(dir.resolve("c.log.2"), line(1));
    RotatedLogs.compressOlder(log);
    assertEquals(List.of("c.log.2.gz"), names());
  }

  @Test
  void removeOlderRemovesCompressedFilesAndLeftovers() throws IOException {
    Path log = dir.resolve("c.log");
    for (String name : List.of("c.log.1", "c.log.1.gz.tmp", "c.log.2.gz", "c.log")) {
      Files.writeString(dir.resolve(name), name);
    }
    RotatedLogs.removeOlder(log);
    assertEquals(List.of("c.log"), names());
  }

  private static String line(int n) {
    return "2024-03-01T09:00:0" + n + "Z stdout F line " + n + "\n";
  }

  private List<String> names() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  private static String gunzip(Path gz) throws IOException {
    try (InputStream in = new GZIPInputStream(Files.newInputStream(gz))) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
