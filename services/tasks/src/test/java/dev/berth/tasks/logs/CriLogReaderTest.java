package dev.berth.tasks.logs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.logs.v1.LogEntry;
import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading CRI logs as conmon writes them: formats, split lines, a line still being written, tail from the end. */
class CriLogReaderTest {
  @TempDir
  Path dir;

  private Path log(String text) throws IOException {
    Path file = dir.resolve("container.log");
    Files.writeString(file, text, StandardCharsets.UTF_8);
    return file;
  }

  private static List<String> readAll(Path file) throws IOException {
    try (CriLogReader reader = CriLogReader.open(file)) {
      return rest(reader);
    }
  }

  private static List<String> readAll(Path file, long tail) throws IOException {
    try (CriLogReader reader = CriLogReader.open(file, tail)) {
      return rest(reader);
    }
  }

  private static List<String> rest(CriLogReader reader) throws IOException {
    List<String> lines = new ArrayList<>();
    for (Optional<LogEntry> e = reader.next(); e.isPresent(); e = reader.next()) {
      lines.add(e.get().getStream() + (e.get().getComplete() ? " F " : " P ") + e.get().getData().toStringUtf8());
    }
    return lines;
  }

  @Test
  void aTailOfNoLinesReadsOnlyWhatIsWrittenAfterwards() throws IOException {
    Path file = log("2024-03-01T09:00:00Z stdout F one\n2024-03-01T09:00:01Z stdout P tw\n"
        + "2024-03-01T09:00:01Z stdout F o\n");
    try (CriLogReader reader = CriLogReader.open(file, 0)) {
      assertEquals(List.of(), rest(reader));
      Files.writeString(file, "2024-03-01T09:00:02Z stdout F three\n", StandardOpenOption.APPEND);
      assertEquals(List.of("stdout F three"), rest(reader));
    }
    assertEquals(List.of(), readAll(log("2024-03-01T09:00:00Z stdout F only\n"), 0));
  }

  @Test
  void aLogStartedAgainInANewFileIsReadOnFromItsStart() throws IOException {
    Path file = log("2024-03-01T09:00:00Z stdout F one\n2024-03-01T09:00:01Z stdout F two\n");
    try (CriLogReader reader = CriLogReader.open(file)) {
      assertEquals("one", reader.next().orElseThrow().getData().toStringUtf8());
      // as conmon does at its size limit: the old file gets a last line, a new one is renamed over it
      Files.writeString(file, "2024-03-01T09:00:02Z stdout F three\n", StandardOpenOption.APPEND);
      Path next = dir.resolve("container.log.tmp");
      Files.writeString(next, "2024-03-01T09:00:03Z stdout F four\n");
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE);
      assertEquals("two", reader.next().orElseThrow().getData().toStringUtf8());
      assertEquals("three", reader.next().orElseThrow().getData().toStringUtf8());
      assertEquals("four", reader.next().orElseThrow().getData().toStringUtf8());
      assertTrue(reader.next().isEmpty());
      Files.writeString(file, "2024-03-01T09:00:04Z stdout F five\n", StandardOpenOption.APPEND);
      assertEquals("five", reader.next().orElseThrow().getData().toStringUtf8());
    }
  }

  private Path line(String name, String message) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "2024-03-01T09:00:00Z stdout F " + message + "\n", StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    return file;
  }

  @Test
  void aRotatedLogIsReadAcrossItsFilesOldestFirstAlsoForATail() throws IOException {
    line("container.log.2", "a");
    line("container.log.2", "b");
    line("container.log.1", "c");
    line("container.log.20240301-101010", "the kubelet's");
    line("container.log.tmp", "conmon's next");
    Path file = line("container.log", "d");
    assertEquals(List.of("stdout F a", "stdout F b", "stdout F c", "stdout F d"), readAll(file));
    assertEquals(List.of("stdout F c", "stdout F d"), readAll(file, 2));
    assertEquals(List.of("stdout F b", "stdout F c", "stdout F d"), readAll(file, 3));
    assertEquals(List.of("stdout F a", "stdout F b", "stdout F c", "stdout F d"), readAll(file, 9));
    assertEquals(List.of(), readAll(file, 0));
  }

  @Test
  void aFollowedLogGoesOnThroughItsRotationsWithoutLosingOrRepeatingALine() throws IOException {
    line("container.log.1", "a");
    Path file = line("container.log", "b");
    try (CriLogReader reader = CriLogReader.open(file)) {
      assertEquals(List.of("stdout F a", "stdout F b"), rest(reader));
      // conmon writes on into the rotated file until it has opened its new log
      RotatedLogs.shift(file, 3);
      line("container.log.1", "c");
      assertEquals(List.of("stdout F c"), rest(reader), "the log between its rotation and its new file");
      line("container.log", "d");
      assertEquals(List.of("stdout F d"), rest(reader));
      // two rotations before the next read, the last line of the old file written after it was read to its end
      line("container.log", "e");
      RotatedLogs.shift(file, 3);
      line("container.log", "f");
      RotatedLogs.shift(file, 3);
      line("container.log", "g");
      assertEquals(List.of("stdout F e", "stdout F f", "stdout F g"), rest(reader));
    }
  }

  @Test
  void aLogCaughtBetweenItsRotationAndItsNewFileIsReadFromItsOlderFiles() throws IOException {
    line("container.log.1", "a");
    Path file = dir.resolve("container.log");
    try (CriLogReader reader = CriLogReader.open(file)) {
      assertEquals(List.of("stdout F a"), rest(reader));
      line("container.log", "b");
      assertEquals(List.of("stdout F b"), rest(reader));
    }
  }

  @Test
  void parsesTimeStreamTagAndMessage() throws IOException {
    Path file = log("2024-03-01T10:00:00.123456789+01:00 stdout F hello  world\n"
        + "2024-03-01T09:00:01.5Z stderr P part\n"
        + "2024-03-01T09:00:01.6Z stderr F:extra-tag \n"
        + "2024-03-01T09:00:02Z stdout F\n");
    List<LogEntry> entries = new ArrayList<>();
    try (CriLogReader reader = CriLogReader.open(file)) {
      for (Optional<LogEntry> e = reader.next(); e.isPresent(); e = reader.next()) {
        entries.add(e.get());
      }
    }
    assertEquals(4, entries.size());
    LogEntry first = entries.get(0);
    Instant at = Instant.parse("2024-03-01T09:00:00.123456789Z");
    assertEquals(at.getEpochSecond(), first.getTime().getSeconds());
    assertEquals(at.getNano(), first.getTime().getNanos());
    assertEquals("stdout", first.getStream());
    assertEquals("hello  world", first.getData().toStringUtf8());
    assertTrue(first.getComplete());
    assertEquals("stderr", entries.get(1).getStream());
    assertFalse(entries.get(1).getComplete());
    assertEquals("", entries.get(2).getData().toStringUtf8());
    assertTrue(entries.get(2).getComplete());
    assertEquals("", entries.get(3).getData().toStringUtf8());
  }

  @Test
  void skipsLinesThatAreNotCriLogLines() throws IOException {
    Path file = log("garbage\n"
        + "2024-03-01T09:00:00Z stdin F wrong stream\n"
        + "2024-03-01T09:00:00Z stdout X wrong tag\n"
        + "yesterday stdout F bad time\n"
        + "2024-03-01T09:00:00Z stdout F good\n");
    assertEquals(List.of("stdout F good"), readAll(file));
  }

  @Test
  void keepsMessageBytesAsTheyAre() throws IOException {
    Path file = dir.resolve("binary.log");
    byte[] head = "2024-03-01T09:00:00Z stdout F ".getBytes(StandardCharsets.US_ASCII);
    byte[] data = {0, (byte) 0xff, '\r', (byte) 0xc3};
    Files.write(file, head);
    Files.write(file, data, StandardOpenOption.APPEND);
    Files.write(file, new byte[] {'\n'}, StandardOpenOption.APPEND);
    try (CriLogReader reader = CriLogReader.open(file)) {
      assertArrayEquals(data, reader.next().orElseThrow().getData().toByteArray());
    }
  }

  @Test
  void aLineStillBeingWrittenComesOnceItsNewlineIs() throws IOException {
    Path file = log("2024-03-01T09:00:00Z stdout F one\n2024-03-01T09:00:01Z std");
    try (CriLogReader reader = CriLogReader.open(file)) {
      assertEquals("one", reader.next().orElseThrow().getData().toStringUtf8());
      assertTrue(reader.next().isEmpty());
      Files.writeString(file, "out F tw", StandardOpenOption.APPEND);
      assertTrue(reader.next().isEmpty());
      Files.writeString(file, "o\n", StandardOpenOption.APPEND);
      assertEquals("two", reader.next().orElseThrow().getData().toStringUtf8());
      assertTrue(reader.next().isEmpty());
    }
  }

  @Test
  void skipsALineLongerThanAnyMonitorWrites() throws IOException {
    String tooLong = "2024-03-01T09:00:00Z stdout F " + "x".repeat(CriLogReader.MAX_LINE * 2) + "\n";
    Path file = log(tooLong + "2024-03-01T09:00:01Z stdout F after\n");
    assertEquals(List.of("stdout F after"), readAll(file));
  }

  @Test
  void tailCountsASplitLineOnceWithAllItsParts() throws IOException {
    Path file = log("2024-03-01T09:00:00Z stdout F one\n"
        + "2024-03-01T09:00:01Z stdout P lo\n"
        + "2024-03-01T09:00:01Z stderr F two\n"
        + "2024-03-01T09:00:01Z stdout P n\n"
        + "2024-03-01T09:00:01Z stdout F g\n"
        + "2024-03-01T09:00:02Z stdout F three\n");
    assertEquals(List.of("stdout F three"), readAll(file, 1));
    assertEquals(List.of("stdout P n", "stdout F g", "stdout F three"), readAll(file, 2));
    assertEquals(List.of("stdout P lo", "stderr F two", "stdout P n", "stdout F g", "stdout F three"), readAll(file, 3));
    assertEquals(6, readAll(file, 4).size());
    assertEquals(6, readAll(file, 100).size());
  }

  @Test
  void tailLeavesALineStillBeingWrittenForLater() throws IOException {
    Path file = log("2024-03-01T09:00:00Z stdout F one\n2024-03-01T09:00:01Z stdout F two\n2024-03-01T09:00:02Z stdout F thr");
    try (CriLogReader reader = CriLogReader.open(file, 1)) {
      assertEquals("two", reader.next().orElseThrow().getData().toStringUtf8());
      assertTrue(reader.next().isEmpty());
      Files.writeString(file, "ee\n", StandardOpenOption.APPEND);
      assertEquals("three", reader.next().orElseThrow().getData().toStringUtf8());
    }
  }

  @Test
  void tailOfAnEmptyLogIsEmpty() throws IOException {
    assertEquals(List.of(), readAll(log(""), 5));
  }

  @Test
  void tailFindsTheLastLinesOfALogSpanningManyBlocks() throws IOException {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 50_000; i++) {
      text.append("2024-03-01T09:00:00.000000001+00:00 stdout F line ").append(i).append('\n');
    }
    Path file = log(text.toString());
    assertEquals(List.of("stdout F line 49997", "stdout F line 49998", "stdout F line 49999"), readAll(file, 3));
    List<String> tail = readAll(file, 2000);
    assertEquals(2000, tail.size());
    assertEquals("stdout F line 48000", tail.get(0));
  }

  /** A line with a time of its own, as conmon's are: compressed files are told apart by their last line's. */
  private Path timedLine(String name, int second, String message) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.format("2024-03-01T09:00:%02d.%09dZ stdout F %s%n", second, second, message),
        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    return file;
  }

  @Test
  void compressedOlderFilesAreReadOldestFirstAlsoForATail() throws IOException {
    timedLine("container.log.3", 1, "a");
    timedLine("container.log.3", 2, "b");
    timedLine("container.log.2", 3, "c");
    timedLine("container.log.1", 4, "d");
    Path file = timedLine("container.log", 5, "e");
    RotatedLogs.compressOlder(file);
    Files.writeString(dir.resolve("container.log.1.gz.tmp"), "a compression cut short");
    assertEquals(List.of("stdout F a", "stdout F b", "stdout F c", "stdout F d", "stdout F e"), readAll(file));
    assertEquals(List.of("stdout F b", "stdout F c", "stdout F d", "stdout F e"), readAll(file, 4));
    assertEquals(List.of("stdout F e"), readAll(file, 1));
  }

  @Test
  void compressedFilesEndingBeforeSinceAreSkippedWithoutBeingUncompressed() throws IOException {
    timedLine("container.log.3", 1, "a");
    timedLine("container.log.2", 2, "b");
    timedLine("container.log.1", 3, "c");
    Path file = timedLine("container.log", 4, "d");
    RotatedLogs.compressOlder(file);
    // only the headers are left of the files to skip: uncompressing one would fail
    for (String name : List.of("container.log.3.gz", "container.log.2.gz")) {
      Path gz = dir.resolve(name);
      byte[] header = Files.readAllBytes(gz);
      int extra = (header[10] & 0xff) | (header[11] & 0xff) << 8;
      Files.write(gz, Arrays.copyOf(header, 12 + extra));
    }
    try (CriLogReader reader = CriLogReader.open(file)) {
      // as the line at second 2 was written, so the file holding it is read
      reader.skipCompressedBefore(Timestamp.newBuilder().setSeconds(1709283602).setNanos(2).build());
      assertThrows(IOException.class, () -> rest(reader), "a file whose last line is not before since is read");
    }
    try (CriLogReader reader = CriLogReader.open(file)) {
      reader.skipCompressedBefore(Timestamp.newBuilder().setSeconds(1709283602).setNanos(3).build());
      assertEquals(List.of("stdout F c", "stdout F d"), rest(reader));
    }
  }

  @Test
  void aFollowedLogGoesOnThroughRotationsThatCompressWithoutLosingOrRepeatingALine() throws IOException {
    timedLine("container.log.1", 1, "a");
    Path file = timedLine("container.log", 2, "b");
    RotatedLogs.compressOlder(file);
    try (CriLogReader reader = CriLogReader.open(file)) {
      assertEquals(List.of("stdout F a", "stdout F b"), rest(reader));
      RotatedLogs.shift(file, 4);
      timedLine("container.log.1", 3, "c");
      timedLine("container.log", 4, "d");
      RotatedLogs.compressOlder(file);
      assertEquals(List.of("stdout F c", "stdout F d"), rest(reader), "the file read, compressed since");
      // two rotations with compression before the next read, the old file's last line written after its end was read
      timedLine("container.log", 5, "e");
      RotatedLogs.shift(file, 4);
      timedLine("container.log", 6, "f");
      RotatedLogs.compressOlder(file);
      RotatedLogs.shift(file, 4);
      timedLine("container.log", 7, "g");
      RotatedLogs.compressOlder(file);
      assertEquals(List.of("stdout F e", "stdout F f", "stdout F g"), rest(reader));
    }
  }
}
