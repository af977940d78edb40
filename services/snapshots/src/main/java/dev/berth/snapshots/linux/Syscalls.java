package dev.berth.snapshots.linux;

import com.sun.jna.LastErrorException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Linux calls the JDK does not offer: mount, umount2, mknod and the xattr calls that do not
 * follow symlinks. Failures become {@link ErrnoException} naming the call and the path.
 */
public final class Syscalls {
  public static final long MS_RDONLY = 1;
  public static final long MS_NOSUID = 2;
  public static final long MS_NODEV = 4;
  public static final long MS_NOEXEC = 8;
  public static final long MS_SYNCHRONOUS = 16;
  public static final long MS_REMOUNT = 32;
  public static final long MS_MANDLOCK = 64;
  public static final long MS_DIRSYNC = 128;
  public static final long MS_NOATIME = 1024;
  public static final long MS_NODIRATIME = 2048;
  public static final long MS_BIND = 4096;
  public static final long MS_REC = 16384;
  public static final long MS_RELATIME = 1L << 21;
  public static final long MS_STRICTATIME = 1L << 24;
  public static final int MNT_DETACH = 2;

  private static final int AT_FDCWD = -100;
  private static final int AT_SYMLINK_NOFOLLOW = 0x100;

  public static final int S_IFIFO = 0010000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFBLK = 0060000;

  /** The JDK encodes file names with this charset; native calls must use the same bytes. */
  private static final Charset FILE_NAMES = Charset.forName(
      System.getProperty("sun.jnu.encoding", Charset.defaultCharset().name()));

  private Syscalls() {}

  public static void mount(String source, Path target, String type, long flags, String data)
      throws ErrnoException {
    try {
      byte[] options = data == null ? null : cString(data);
      LibC.mount(cString(source), cString(target.toString()), cString(type), flags, options);
    } catch (LastErrorException e) {
      throw error("mount", type + " " + source + " on " + target, e);
    }
  }

  public static void unmount(Path target, int flags) throws ErrnoException {
    try {
      LibC.umount2(cString(target.toString()), flags);
    } catch (LastErrorException e) {
      throw error("umount2", target.toString(), e);
    }
  }

  /** Creates a device node or fifo; {@code mode} holds the file type bits and the permissions. */
  public static void mknod(Path path, int mode, int major, int minor) throws ErrnoException {
    try {
      LibC.mknod(cString(path.toString()), mode, makedev(major, minor));
    } catch (LastErrorException e) {
      throw error("mknod", path.toString(), e);
    }
  }

  /** Changes the owner of {@code path} itself, never of what a symlink points to. */
  public static void lchown(Path path, int uid, int gid) throws ErrnoException {
    try {
      LibC.lchown(cString(path.toString()), uid, gid);
    } catch (LastErrorException e) {
      throw error("lchown", path.toString(), e);
    }
  }

  /**
   * Sets all twelve permission bits (setuid, setgid and sticky included, which the JDK's
   * permission API cannot express). Follows symlinks: call it only on paths known not to be one.
   */
  public static void chmod(Path path, int mode) throws ErrnoException {
    try {
      LibC.chmod(cString(path.toString()), mode & 07777);
    } catch (LastErrorException e) {
      throw error("chmod", path.toString(), e);
    }
  }

  /** Sets access and modification times of {@code path} itself, without opening it (safe on fifos and devices). */
  public static void setTimes(Path path, Instant atime, Instant mtime) throws ErrnoException {
    long[] times = {atime.getEpochSecond(), atime.getNano(), mtime.getEpochSecond(), mtime.getNano()};
    try {
      LibC.utimensat(AT_FDCWD, cString(path.toString()), times, AT_SYMLINK_NOFOLLOW);
    } catch (LastErrorException e) {
      throw error("utimensat", path.toString(), e);
    }
  }

  public static void setXattr(Path path, String name, byte[] value) throws ErrnoException {
    try {
      LibC.lsetxattr(cString(path.toString()), cString(name), value, value.length, 0);
    } catch (LastErrorException e) {
      throw error("lsetxattr", path + " " + name, e);
    }
  }

  /** The value of xattr {@code name}, or null when the file has none of that name. */
  public static byte[] getXattr(Path path, String name) throws ErrnoException {
    byte[] p = cString(path.toString());
    byte[] n = cString(name);
    while (true) {
      try {
        int size = (int) LibC.lgetxattr(p, n, null, 0);
        byte[] value = new byte[size];
        if (size == 0) {
          return value;
        }
        int read = (int) LibC.lgetxattr(p, n, value, size);
        return Arrays.copyOf(value, read);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == ErrnoException.ENODATA) {
          return null;
        }
        // ERANGE: the value grew between the two calls; ask again
        if (e.getErrorCode() != ErrnoException.ERANGE) {
          throw error("lgetxattr", path + " " + name, e);
        }
      }
    }
  }

  /** The names of {@code path}'s xattrs (of every namespace the caller may see). */
  public static List<String> listXattrs(Path path) throws ErrnoException {
    byte[] p = cString(path.toString());
    while (true) {
      try {
        int size = (int) LibC.llistxattr(p, null, 0);
        List<String> names = new ArrayList<>();
        if (size == 0) {
          return names;
        }
        byte[] list = new byte[size];
        int read = (int) LibC.llistxattr(p, list, size);
        int start = 0;
        for (int i = 0; i < read; i++) {
          if (list[i] == 0) {
            if (i > start) {
              names.add(new String(list, start, i - start, FILE_NAMES));
            }
            start = i + 1;
          }
        }
        return names;
      } catch (LastErrorException e) {
        if (e.getErrorCode() == ErrnoException.EOPNOTSUPP) {
          return List.of();
        }
        if (e.getErrorCode() != ErrnoException.ERANGE) {
          throw error("llistxattr", path.toString(), e);
        }
      }
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

  private static byte[] cString(String s) {
    byte[] b = s.getBytes(FILE_NAMES);
    return Arrays.copyOf(b, b.length + 1);
  }

  private static ErrnoException error(String call, String path, LastErrorException e) {
    int errno = e.getErrorCode();
    String message = e.getMessage();
    // JNA formats "[errno] description"; keep the description only
    String description = message != null && message.startsWith("[") && message.indexOf(']') > 0
        ? message.substring(message.indexOf(']') + 1).trim() : String.valueOf(message);
    return new ErrnoException(call, path, errno, description);
  }
}
