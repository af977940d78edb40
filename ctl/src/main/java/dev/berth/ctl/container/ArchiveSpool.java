package dev.berth.ctl.container;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tar archive held in a temporary file (under java.io.tmpdir) between a pipe and a container, so
 * that a running container is frozen only for the file work, not for as long as the other end of
 * stdin or stdout takes (a download piped into {@code cp -}, a reader that is slow to read). The
 * file is deleted on close, and at exit when a signal ends berthctl first.
 */
final class ArchiveSpool implements AutoCloseable {
  private static final int BUFFER = 1 << 16;
  private final Path file;

  private ArchiveSpool(Path file) {
    this.file = file;
  }

  static ArchiveSpool create() throws IOException {
    Path file = Files.createTempFile("berthctl-archive", ".tar");
    file.toFile().deleteOnExit();
    return new ArchiveSpool(file);
  }

  /** Holds all of {@code in}. */
  void readFrom(InputStream in) throws IOException {
    try (OutputStream out = Files.newOutputStream(file)) {
      in.transferTo(out);
    }
  }

  InputStream in() throws IOException {
    return new BufferedInputStream(Files.newInputStream(file), BUFFER);
  }

  OutputStream out() throws IOException {
    return new BufferedOutputStream(Files.newOutputStream(file), BUFFER);
  }

  /** Writes what it holds to {@code out}. */
  void writeTo(OutputStream out) throws IOException {
    Files.copy(file, out);
    out.flush();
  }

  @Override
  public void close() throws IOException {
    Files.deleteIfExists(file);
  }
}
