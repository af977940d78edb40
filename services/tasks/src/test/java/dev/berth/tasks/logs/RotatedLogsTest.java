package dev.berth.tasks.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
}
