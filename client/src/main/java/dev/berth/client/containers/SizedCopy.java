package dev.berth.client.containers;

import dev.berth.client.ClientException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * A file's contents copied as long as its stat said they were, as Docker's tar writer copies them:
 * a running container may write to a file while it is copied, and a file that grows (a log, or a
 * sparse file extended with {@code dd seek}) must not keep the copy going for ever.
 */
public final class SizedCopy {
  private SizedCopy() {}

  /**
   * Copies the first {@code size} bytes of {@code in} to {@code out}; what was added past them is
   * left out. A file that shrank below {@code size} fails, in the words of Go's tar writer, which
   * fails Docker's copy there: the copy would be short, or an archive's entry corrupt.
   */
  public static void copy(InputStream in, OutputStream out, long size, String path) throws IOException {
    byte[] buffer = new byte[1 << 16];
    long left = size;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        throw new ClientException(path + " shrank while it was copied: archive/tar: missed writing " + left
            + " bytes");
      }
      out.write(buffer, 0, read);
      left -= read;
    }
  }
}
