package dev.berth.tasks.cgroups;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/** Removes a container's cgroup directory once its processes are gone. */
public final class CgroupRemoval {
  private static final Logger LOG = Logger.getLogger(CgroupRemoval.class.getName());
  private static final int ATTEMPTS = 5;

  private CgroupRemoval() {}

  /**
   * Removes {@code cgroup} (absent is fine); false, with a warning, when it stays. A cgroup whose
   * last process has just been reaped can be busy for a moment: tried a few times over about
   * 150 ms, as runc does. One holding cgroups of its own is left at once.
   */
  public static boolean remove(Path cgroup) {
    for (int attempt = 0; ; attempt++) {
      try {
        Files.deleteIfExists(cgroup);
        return true;
      } catch (DirectoryNotEmptyException e) {
        LOG.warning("cannot remove cgroup " + cgroup + ": it holds cgroups of its own");
        return false;
      } catch (IOException e) {
        if (attempt == ATTEMPTS - 1) {
          LOG.warning("cannot remove cgroup " + cgroup + ": " + e.getMessage());
          return false;
        }
      }
      try {
        Thread.sleep(10L << attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}
