package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fill lock's identity is the open file's, not whatever its path names after the open: a
 * volume removed and made again between the two is not taken for the one locked.
 */
class OpenFillLockTest {
  @TempDir
  Path volume;

  @Test
  void theFileOpenedIsStillAtItsPathUntilItIsReplaced() throws Exception {
    Path file = volume.resolve(RunMounts.FILL_LOCK_FILE);
    try (OpenFillLock lock = OpenFillLock.open(file).orElseThrow(); FileLock held = lock.lock()) {
      assertTrue(lock.stillAt(file));
      // the volume removed and made again, its lock file with it
      Files.delete(file);
      Files.createFile(file);
      assertFalse(lock.stillAt(file), "a new lock file at the same path is not the one locked");
      Files.delete(file);
      assertFalse(lock.stillAt(file));
    }
  }

  @Test
  void aVolumeGoneBeforeTheOpenGivesNone() throws IOException {
    assertTrue(OpenFillLock.open(volume.resolve("gone").resolve(RunMounts.FILL_LOCK_FILE)).isEmpty());
  }

  @Test
  void aLinkInItsPlaceIsNotFollowed() throws IOException {
    Path file = volume.resolve(RunMounts.FILL_LOCK_FILE);
    Files.createSymbolicLink(file, volume.resolve("elsewhere"));
    assertThrows(IOException.class, () -> OpenFillLock.open(file));
    assertFalse(Files.exists(volume.resolve("elsewhere")));
  }
}
