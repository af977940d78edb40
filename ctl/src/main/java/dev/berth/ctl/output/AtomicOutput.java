package dev.berth.ctl.output;

import dev.berth.api.fs.AtomicFiles;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes a file that appears only once complete: into a temporary file beside it, synced, then
 * renamed over the target. A failed write leaves neither half a file nor the temporary one.
 */
public final class AtomicOutput {
  /** What goes into the file. */
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private AtomicOutput() {}

  public static void write(Path target, Content content) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    if (!Files.isDirectory(dir)) {
      // the temporary file's name would only confuse: the user named the target
      throw new NoSuchFileException(target.toString(), null, "no such directory: " + dir);
    }
    Path temp = Files.createTempFile(dir, "." + target.getFileName(), ".part");
    try {
      try (FileChannel file = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(file), 1 << 16);
        content.writeTo(out);
        out.flush();
        file.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      AtomicFiles.fsyncDirectory(dir);
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
