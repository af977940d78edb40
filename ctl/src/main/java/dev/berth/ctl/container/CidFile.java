package dev.berth.ctl.container;

import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.output.AtomicOutput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * Docker's {@code --cidfile}: the new container's id written to a file, which must not exist
 * before (it would be another container's). Checked before anything is created.
 */
final class CidFile {
  private CidFile() {}

  /** Refuses a file that is there already; nothing for no file asked for. */
  static void check(Path file) {
    if (file != null && Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new CommandFailure("container ID file found, make sure the other container isn't running or delete " + file);
    }
  }

  static void write(Path file, String id) {
    if (file == null) {
      return;
    }
    try {
      AtomicOutput.write(file, out -> out.write(id.getBytes(StandardCharsets.US_ASCII)));
    } catch (IOException e) {
      throw new CommandFailure("cannot write the container ID file " + file + ": " + e.getMessage(), e);
    }
  }
}
