package dev.berth.client.build;

import dev.berth.linux.ErrnoException;
import dev.berth.linux.Syscalls;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;

/**
 * A cache volume's fill lock file, open, with the identity (device and inode) of the very file the
 * descriptor holds, read through it rather than through the path: a volume removed and made again
 * just after the open is then never taken for the one whose lock this build holds.
 */
final class OpenFillLock implements AutoCloseable {
  private final FileChannel channel;
  private final Object identity;

  private OpenFillLock(FileChannel channel, Object identity) {
    this.channel = channel;
    this.identity = identity;
  }

  /** The lock file at {@code file}, made if need be; empty when its directory is gone (the volume removed). */
  static Optional<OpenFillLock> open(Path file) throws IOException {
    int fd;
    try {
      fd = Syscalls.openForWriting(file, 0600);
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENOENT) {
        return Optional.empty();
      }
      throw e;
    }
    Path held = Path.of("/proc/self/fd", Integer.toString(fd));
    try {
      // opened again through the descriptor's link: the same file, wherever its path leads now
      FileChannel channel = FileChannel.open(held, StandardOpenOption.WRITE);
      try {
        return Optional.of(new OpenFillLock(channel, Files.readAttributes(held, BasicFileAttributes.class).fileKey()));
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } finally {
      // before any lock is taken: closing a descriptor lets go of the process's locks on its file
      Syscalls.close(fd);
    }
  }

  /** Waits for the lock on the file opened. */
  FileLock lock() throws IOException {
    return channel.lock();
  }

  /** Whether {@code file} still names the file opened, not one made since in its place. */
  boolean stillAt(Path file) throws IOException {
    try {
      return Objects.equals(identity,
          Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
    } catch (NoSuchFileException gone) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
