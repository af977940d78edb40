package dev.berth.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dating conmon's exit file: the same time at every reading, also after berthd restarted. */
class ExitTrackingTest {
  @TempDir
  Path dir;

  private Path exitFile(String status, Instant modified) throws IOException {
    Path file = dir.resolve(ExitWatcher.EXIT_FILE);
    Files.writeString(file, status);
    Files.setLastModifiedTime(file, FileTime.from(modified));
    return file;
  }

  @Test
  void anExitSeenLateIsDatedByItsFileAndAPromptOneWhenSeen() throws IOException {
    Instant anHourAgo = Instant.now().minus(Duration.ofHours(1));
    assertEquals(new Exit(3, anHourAgo), ExitTracking.read(exitFile("3", anHourAgo)));

    Files.delete(dir.resolve(ExitTracking.EXITED_AT_FILE));
    Instant before = Instant.now();
    Exit prompt = ExitTracking.read(exitFile("-1", Instant.now()));
    assertEquals(255, prompt.status());
    assertTrue(!prompt.at().isBefore(before), prompt::toString);
  }

  @Test
  void laterReadingsGiveTheTimeOfTheFirstNotTheFilesCoarserOne() throws IOException {
    Path file = exitFile("0", Instant.now());
    Exit first = ExitTracking.read(file);
    // what a berthd started later sees: the file's time, a clock tick off
    Files.setLastModifiedTime(file, FileTime.from(first.at().minusMillis(7)));
    assertEquals(first, ExitTracking.read(file));
  }
}
