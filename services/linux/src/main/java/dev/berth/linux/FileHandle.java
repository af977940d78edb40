package dev.berth.linux;

import com.sun.jna.LastErrorException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A descriptor of one file, pinned to it whatever is renamed or replaced around it, and the calls
 * made through it: on the file itself (stat, readlink, owners, mode, times, contents) and, for a
 * directory, on one name in it (open, make, link, remove), never following a symlink that name
 * is. Paths of several components are resolved only by {@link InRoot}. Contents are read and
 * written through {@code /proc/self/fd/N}, the link the kernel keeps to this very descriptor.
 */
public final class FileHandle implements AutoCloseable {
  static final int O_PATH = 010000000;
  static final int O_NOFOLLOW = 0400000;
  static final int O_DIRECTORY = 0200000;
  private static final int O_WRONLY = 1;
  static final int O_CREAT = 0100;
  private static final int O_EXCL = 0200;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int AT_REMOVEDIR = 0x200;
  private static final int AT_EMPTY_PATH = 0x1000;
  private static final int STATX_BASIC_STATS = 0x7ff;
  private static final long UTIME_OMIT = (1L << 30) - 2;
  private static final byte[] EMPTY = {0};
  private final int fd;
  private final String path;

  FileHandle(int fd, String path) {
    this.fd = fd;
    this.path = path;
  }

  /** The path this handle was opened by, for messages. */
  public String path() {
    return path;
  }

  public FileStat stat() throws ErrnoException {
    byte[] buffer = new byte[256];
    try {
      LibC.statx(fd, EMPTY, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, buffer);
    } catch (LastErrorException e) {
      throw ErrnoException.of("statx", path, e);
    }
    ByteBuffer b = ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder());
    return new FileStat(b.getShort(28) & 0xffff, b.getInt(20), b.getInt(24), b.getLong(40),
        Instant.ofEpochSecond(b.getLong(112), b.getInt(120) & 0xffffffffL), b.getInt(136), b.getInt(140));
  }

  /** The type of the file system this file is on, statfs(2)'s f_type (PROC_SUPER_MAGIC for /proc). */
  public long fileSystemType() throws ErrnoException {
    byte[] buffer = new byte[256];
    try {
      LibC.fstatfs(fd, buffer);
    } catch (LastErrorException e) {
      throw ErrnoException.of("fstatfs", path, e);
    }
    return ByteBuffer.wrap(buffer).order(ByteOrder.nativeOrder()).getLong(0);
  }

  /** What this symlink points to. */
  public String readLink() throws ErrnoException {
    for (int size = 256; ; size *= 2) {
      byte[] buffer = new byte[size];
      long read;
      try {
        read = LibC.readlinkat(fd, EMPTY, buffer, size);
      } catch (LastErrorException e) {
        throw ErrnoException.of("readlinkat", path, e);
      }
      if (read < size) {
        return FileNames.decode(buffer, 0, (int) read);
      }
    }
  }

  /** The file named {@code name} in this directory, itself when a symlink; empty when there is none. */
  public Optional<FileHandle> child(String name) throws ErrnoException {
    try {
      return Optional.of(new FileHandle(LibC.openat(fd, component(name), O_PATH | O_NOFOLLOW | Syscalls.O_CLOEXEC, 0),
          join(name)));
    } catch (LastErrorException e) {
      if (e.getErrorCode() == ErrnoException.ENOENT) {
        return Optional.empty();
      }
      throw ErrnoException.of("openat", join(name), e);
    }
  }

  /** The names in this directory, without . and .. */
  public List<String> list() throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> entries = Files.list(self())) {
      entries.forEach(p -> names.add(p.getFileName().toString()));
    }
    return names;
  }

  /** This regular file's contents. */
  public InputStream read() throws IOException {
    return Files.newInputStream(self());
  }

  /** Writes to this file, which {@link #createFile} made. */
  public OutputStream write() throws IOException {
    return Files.newOutputStream(self(), StandardOpenOption.WRITE);
  }

  /** Makes directory {@code name} here and returns it. */
  public FileHandle mkdir(String name, int mode) throws ErrnoException {
    try {
      LibC.mkdirat(fd, component(name), mode);
    } catch (LastErrorException e) {
      throw ErrnoException.of("mkdirat", join(name), e);
    }
    return child(name).orElseThrow(() -> new ErrnoException("openat", join(name), ErrnoException.ENOENT));
  }

  /** Makes regular file {@code name} here, which must not exist (not even as a symlink), open for writing. */
  public FileHandle createFile(String name, int mode) throws ErrnoException {
    try {
      return new FileHandle(LibC.openat(fd, component(name), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW
          | Syscalls.O_CLOEXEC, mode), join(name));
    } catch (LastErrorException e) {
      throw ErrnoException.of("openat", join(name), e);
    }
  }

  public void symlink(String target, String name) throws ErrnoException {
    try {
      LibC.symlinkat(FileNames.cString(target), fd, component(name));
    } catch (LastErrorException e) {
      throw ErrnoException.of("symlinkat", join(name) + " -> " + target, e);
    }
  }

  /** Makes {@code name} here a hard link to {@code existing} (the file itself, a symlink never followed). */
  public void link(FileHandle existing, String name) throws ErrnoException {
    try {
      LibC.linkat(existing.fd, EMPTY, fd, component(name), AT_EMPTY_PATH);
    } catch (LastErrorException e) {
      throw ErrnoException.of("linkat", existing.path + " " + join(name), e);
    }
  }

  /** Removes {@code name} here, an empty directory included; nothing when there is none. */
  public void remove(String name) throws ErrnoException {
    byte[] c = component(name);
    try {
      LibC.unlinkat(fd, c, 0);
    } catch (LastErrorException e) {
      if (e.getErrorCode() == ErrnoException.ENOENT) {
        return;
      }
      if (e.getErrorCode() != ErrnoException.EISDIR) {
        throw ErrnoException.of("unlinkat", join(name), e);
      }
      try {
        LibC.unlinkat(fd, c, AT_REMOVEDIR);
      } catch (LastErrorException dir) {
        throw ErrnoException.of("unlinkat", join(name), dir);
      }
    }
  }

  /** Gives this file (a symlink itself) owners {@code uid} and {@code gid}. */
  public void chown(int uid, int gid) throws ErrnoException {
    try {
      LibC.fchownat(fd, EMPTY, uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
    } catch (LastErrorException e) {
      throw ErrnoException.of("fchownat", path, e);
    }
  }

  /** Sets all twelve permission bits of this file, which is no symlink (a symlink has no mode of its own). */
  public void chmod(int permissions) throws IOException {
    Files.setAttribute(self(), "unix:mode", permissions);
  }

  /** Sets this file's modification time (a symlink's own), leaving its access time. */
  public void setModified(Instant mtime) throws ErrnoException {
    long[] times = {0, UTIME_OMIT, mtime.getEpochSecond(), mtime.getNano()};
    try {
      LibC.utimensat(fd, EMPTY, times, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
    } catch (LastErrorException e) {
      throw ErrnoException.of("utimensat", path, e);
    }
  }

  /** The value of this file's xattr {@code name} (of any namespace), or null when it has none of that name. */
  public byte[] xattr(String name) throws ErrnoException {
    byte[] p = FileNames.cString(self().toString());
    byte[] n = FileNames.cString(name);
    while (true) {
      try {
        byte[] value = new byte[(int) LibC.getxattr(p, n, null, 0)];
        return Arrays.copyOf(value, value.length == 0 ? 0 : (int) LibC.getxattr(p, n, value, value.length));
      } catch (LastErrorException e) {
        if (e.getErrorCode() == ErrnoException.ENODATA || e.getErrorCode() == ErrnoException.EOPNOTSUPP) {
          return null;
        }
        // ERANGE: the value grew between the two calls; ask again
        if (e.getErrorCode() != ErrnoException.ERANGE) {
          throw ErrnoException.of("getxattr", path + " " + name, e);
        }
      }
    }
  }

  /** Sets this file's xattr {@code name} (any namespace the caller may write) to {@code value}. */
  public void setXattr(String name, byte[] value) throws ErrnoException {
    try {
      LibC.setxattr(FileNames.cString(self().toString()), FileNames.cString(name), value, value.length, 0);
    } catch (LastErrorException e) {
      throw ErrnoException.of("setxattr", path + " " + name, e);
    }
  }

  @Override
  public void close() {
    Syscalls.close(fd);
  }

  int fd() {
    return fd;
  }

  /** The link the kernel keeps in /proc to this descriptor: opening it opens this file, whatever its path now leads to. */
  private Path self() {
    return Path.of("/proc/self/fd", Integer.toString(fd));
  }

  private String join(String name) {
    return path.endsWith("/") ? path + name : path + "/" + name;
  }

  /** {@code name} as one component of a path: nothing the kernel would take as a way elsewhere. */
  private static byte[] component(String name) {
    if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")) {
      throw new IllegalArgumentException("not a file name in a directory: \"" + name + "\"");
    }
    return FileNames.cString(name);
  }
}
