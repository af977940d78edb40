package dev.berth.tasks.runtime;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * Gives a container's log containerd's mode, 0640, so that a log shipper reading it through its
 * group can. conmon opens the log with mode 0600, and when reopening it makes {@code <log>.tmp}
 * with mode 0600 and renames that over the log; both opens keep an existing file's mode (no
 * {@code O_EXCL}), so the file made here before conmon opens it is the one conmon writes, with
 * no moment where it has another mode.
 */
public final class LogFileMode {
  static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r-----");

  private LogFileMode() {}

  /**
   * Makes the log conmon opens at its start; one there already (the container ran before) keeps
   * its mode, as containerd leaves it.
   */
  static void createLog(Path log) throws IOException {
    try {
      Files.createFile(log);
    } catch (FileAlreadyExistsException e) {
      return;
    }
    // set after creation: berthd's umask would otherwise decide
    Files.setPosixFilePermissions(log, MODE);
  }

  /** Makes the file conmon's reopen truncates and renames over the log. */
  static void createReopened(Path log) throws IOException {
    Path next = reopened(log);
    try {
      Files.createFile(next);
    } catch (FileAlreadyExistsException e) {
      // left by a reopen that did not happen: conmon truncates it
    }
    Files.setPosixFilePermissions(next, MODE);
  }

  /**
   * The name conmon opens the new log under before renaming it over {@code log}; one a reopen
   * left when its container went is removed with the log.
   */
  public static Path reopened(Path log) {
    return log.resolveSibling(log.getFileName() + ".tmp");
  }
}
