package dev.berth.ctl.container;

import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.output.AtomicOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Docker's {@code --cidfile}: the new container's id written to a file, which must not exist
 * before (it would be another container's). Checked before anything is created.
 */
final class CidFile {
  private CidFile() {}

  /**
   * Refuses a file that is there already, or that cannot be made (its directory missing or not
   * writable), so that no container is made for nothing; nothing for no file asked for.
   */
  static void check(Path file) {
    if (file == null) {
      return;
    }
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new CommandFailure("container ID file found, make sure the other container isn't running or delete " + file);
    }
    Path dir = file.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      throw new CommandFailure("failed to create the container ID file: open " + file + ": no such file or directory");
    }
    if (!Files.isWritable(dir)) {
      throw new CommandFailure("failed to create the container ID file: open " + file + ": permission denied");
    }
  }

  static void write(Path file, String id) {
    if (file == null) {
      return;
    }
    try {
      AtomicOutput.write(file, out -> out.write(id.getBytes(StandardCharsets.US_ASCII)));
      // Docker's mode (its create, 0666, under the usual umask): readable by the scripts that wait for it
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (IOException e) {
      throw new CommandFailure("cannot write the container ID file " + file + ": " + e.getMessage(), e);
    }
  }
}
