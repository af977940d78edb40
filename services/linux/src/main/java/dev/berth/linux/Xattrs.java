package dev.berth.linux;

import com.sun.jna.LastErrorException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Extended attributes of every namespace (the JDK's view reaches only {@code user.*}), on the
 * file itself and never on what a symlink points to.
 */
public final class Xattrs {
  private Xattrs() {}

  public static void set(Path path, String name, byte[] value) throws ErrnoException {
    try {
      LibC.lsetxattr(FileNames.cString(path.toString()), FileNames.cString(name), value, value.length, 0);
    } catch (LastErrorException e) {
      throw ErrnoException.of("lsetxattr", path + " " + name, e);
    }
  }

  /** Removes xattr {@code name}; a file without it is left as it is. */
  public static void remove(Path path, String name) throws ErrnoException {
    try {
      LibC.lremovexattr(FileNames.cString(path.toString()), FileNames.cString(name));
    } catch (LastErrorException e) {
      if (e.getErrorCode() != ErrnoException.ENODATA) {
        throw ErrnoException.of("lremovexattr", path + " " + name, e);
      }
    }
  }

  /** The value of xattr {@code name}, or null when the file has none of that name. */
  public static byte[] get(Path path, String name) throws ErrnoException {
    byte[] p = FileNames.cString(path.toString());
    byte[] n = FileNames.cString(name);
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
          throw ErrnoException.of("lgetxattr", path + " " + name, e);
        }
      }
    }
  }

  /** The names of {@code path}'s xattrs (of every namespace the caller may see). */
  public static List<String> list(Path path) throws ErrnoException {
    byte[] p = FileNames.cString(path.toString());
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
              names.add(FileNames.decode(list, start, i - start));
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
          throw ErrnoException.of("llistxattr", path.toString(), e);
        }
      }
    }
  }
}
