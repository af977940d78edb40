package dev.berth.linux;

import com.sun.jna.LastErrorException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * System calls the JDK does not offer, on paths, processes, namespaces and fifos. Failures
 * become {@link ErrnoException}s naming the call and what it was applied to.
 */
public final class Syscalls {
  public static final int MNT_DETACH = 2;
  public static final int CLONE_NEWNET = 0x40000000;
  public static final int S_IFIFO = 0010000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFBLK = 0060000;

  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;
  private static final int O_RDONLY = 0;
  private static final int O_WRONLY = 1;
  private static final int O_NONBLOCK = 04000;
  static final int O_CLOEXEC = 02000000;

  private Syscalls() {}

  /** mount(2) as is; {@link Mounts} turns containerd's mount descriptions into these calls. */
  static void mount(String source, Path target, String type, long flags, String data) throws ErrnoException {
    try {
      LibC.mount(FileNames.cString(source), FileNames.cString(target.toString()), FileNames.cString(type), flags,
          data == null || data.isEmpty() ? null : FileNames.cString(data));
    } catch (LastErrorException e) {
      throw ErrnoException.of("mount", type + " " + source + " on " + target, e);
    }
  }

  public static void unmount(Path target, int flags) throws ErrnoException {
    try {
      LibC.umount2(FileNames.cString(target.toString()), flags);
    } catch (LastErrorException e) {
      throw ErrnoException.of("umount2", target.toString(), e);
    }
  }

  /** Creates a device node or fifo; {@code mode} holds the file type bits and the permissions. */
  public static void mknod(Path path, int mode, int major, int minor) throws ErrnoException {
    try {
      LibC.mknod(FileNames.cString(path.toString()), mode, makedev(major, minor));
    } catch (LastErrorException e) {
      throw ErrnoException.of("mknod", path.toString(), e);
    }
  }

  /** Sets access and modification times of {@code path} itself, without opening it (safe on fifos and devices). */
  public static void setTimes(Path path, Instant atime, Instant mtime) throws ErrnoException {
    long[] times = {atime.getEpochSecond(), atime.getNano(), mtime.getEpochSecond(), mtime.getNano()};
    try {
      LibC.utimensat(AT_FDCWD, FileNames.cString(path.toString()), times, AT_SYMLINK_NOFOLLOW);
    } catch (LastErrorException e) {
      throw ErrnoException.of("utimensat", path.toString(), e);
    }
  }

  /** glibc's makedev for the 64-bit dev_t. */
  static long makedev(int major, int minor) {
    long ma = major & 0xffffffffL;
    long mi = minor & 0xffffffffL;
    return ((ma & 0xfffff000L) << 32) | ((ma & 0xfffL) << 8) | ((mi & 0xffffff00L) << 12) | (mi & 0xffL);
  }

  public static int major(long dev) {
    return (int) (((dev >>> 32) & 0xfffff000L) | ((dev >>> 8) & 0xfffL));
  }

  public static int minor(long dev) {
    return (int) (((dev >>> 12) & 0xffffff00L) | (dev & 0xffL));
  }

  /** Sends {@code signal} to {@code pid}. */
  public static void kill(int pid, int signal) throws ErrnoException {
    try {
      LibC.kill(pid, signal);
    } catch (LastErrorException e) {
      throw ErrnoException.of("kill", "pid " + pid + " signal " + signal, e);
    }
  }

  /** Opens {@code path} read-only for its descriptor (a namespace file, for setns or IFLA_NET_NS_FD). */
  public static int open(Path path) throws ErrnoException {
    try {
      return LibC.open(FileNames.cString(path.toString()), O_RDONLY | O_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw ErrnoException.of("open", path.toString(), e);
    }
  }

  /**
   * Opens {@code path} for writing, made with {@code mode} if it is not there, for its descriptor;
   * a symlink there is refused (ELOOP).
   */
  public static int openForWriting(Path path, int mode) throws ErrnoException {
    try {
      return LibC.open(FileNames.cString(path.toString()),
          O_WRONLY | FileHandle.O_CREAT | FileHandle.O_NOFOLLOW | O_CLOEXEC, mode);
    } catch (LastErrorException e) {
      throw ErrnoException.of("open", path.toString(), e);
    }
  }

  public static void close(int fd) {
    try {
      LibC.close(fd);
    } catch (LastErrorException e) {
      // close(2) releases the descriptor even when it reports an error; nothing to undo.
    }
  }

  /** Moves the calling thread, and only it, into the namespace {@code fd} refers to. */
  public static void setns(int fd, int nstype, String what) throws ErrnoException {
    try {
      LibC.setns(fd, nstype);
    } catch (LastErrorException e) {
      throw ErrnoException.of("setns", what, e);
    }
  }

  /** Gives the calling thread, and only it, new namespaces of the {@code CLONE_NEW*} kinds in {@code flags}. */
  public static void unshare(int flags) throws ErrnoException {
    try {
      LibC.unshare(flags);
    } catch (LastErrorException e) {
      throw ErrnoException.of("unshare", "0x" + Integer.toHexString(flags), e);
    }
  }

  /**
   * Opens {@code fifo} for writing without blocking and closes it again: a reader blocked in
   * open(2) on it is released and then sees end of file. Does nothing when nobody waits.
   */
  public static void releaseFifoReader(Path fifo) {
    releaseFifo(fifo, O_WRONLY);
  }

  /** Opens {@code fifo} for reading without blocking and closes it: a writer blocked in open(2) is released. */
  public static void releaseFifoWriter(Path fifo) {
    releaseFifo(fifo, O_RDONLY);
  }

  private static void releaseFifo(Path fifo, int mode) {
    try {
      close(LibC.open(FileNames.cString(fifo.toString()), mode | O_NONBLOCK | O_CLOEXEC, 0));
    } catch (LastErrorException e) {
      // ENXIO: no reader waiting; ENOENT: gone already. Either way nobody is blocked on it.
    }
  }

  /**
   * Opens {@code fifo} for writing if some process has it open for reading (a non-blocking open
   * for writing succeeds only then); -1 when nobody reads. Close the descriptor with
   * {@link #close} once a writer of one's own is open: a reader that saw no writer would take
   * that for end of file.
   */
  public static int openFifoWriterIfRead(Path fifo) {
    // ENXIO, nobody reads, is the common answer of a relay probing for a reader: no exception for it
    return QuietLibC.open(FileNames.cString(fifo.toString()), O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0);
  }

  /**
   * Writes {@code data} to {@code fifo} if a reader has it open (conmon's control fifos), without
   * ever blocking: ENXIO when nobody reads.
   */
  public static void writeToFifoNow(Path fifo, byte[] data) throws ErrnoException {
    int fd;
    try {
      fd = LibC.open(FileNames.cString(fifo.toString()), O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0);
    } catch (LastErrorException e) {
      throw ErrnoException.of("open", fifo.toString(), e);
    }
    try {
      LibC.write(fd, data, data.length);
    } catch (LastErrorException e) {
      throw ErrnoException.of("write", fifo.toString(), e);
    } finally {
      close(fd);
    }
  }
}
