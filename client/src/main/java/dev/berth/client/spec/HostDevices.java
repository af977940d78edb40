package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The host's device nodes under /dev, for {@code --privileged} (Docker gives a privileged
 * container all of them). The directories a container mounts of its own (pts, shm, mqueue) and
 * the console, which the runtime sets up, are left out.
 */
public final class HostDevices {
  private static final Set<String> OWN_DIRECTORIES = Set.of("pts", "shm", "mqueue", "fd");
  private static final int S_IFMT = 0170000;
  private static final int S_IFCHR = 0020000;
  private static final int S_IFBLK = 0060000;

  private HostDevices() {}

  public static List<Spec.Device> list() {
    Path dev = Path.of("/dev");
    List<Spec.Device> devices = new ArrayList<>();
    try {
      Files.walkFileTree(dev, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          return dir.equals(dev) || !OWN_DIRECTORIES.contains(dir.getFileName().toString())
              ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          if (!attrs.isOther() || file.equals(dev.resolve("console"))) {
            return FileVisitResult.CONTINUE;
          }
          Map<String, Object> unix = Files.readAttributes(file, "unix:mode,rdev,uid,gid", LinkOption.NOFOLLOW_LINKS);
          int mode = (Integer) unix.get("mode");
          long rdev = (Long) unix.get("rdev");
          String type = (mode & S_IFMT) == S_IFCHR ? "c" : (mode & S_IFMT) == S_IFBLK ? "b" : null;
          if (type != null) {
            devices.add(new Spec.Device(file.toString(), type, major(rdev), minor(rdev), mode & 07777,
                (Integer) unix.get("uid"), (Integer) unix.get("gid")));
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException e) {
          // a device that vanished or is unreadable is not given; the others are
          return FileVisitResult.CONTINUE;
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the host's devices: " + e.getMessage(), e);
    }
    return devices;
  }

  /**
   * The host's device node {@code host} (symbolic links followed) as {@code inContainer} in a
   * container; INVALID_ARGUMENT-worthy {@link InvalidValueException} for what is no device node.
   */
  public static Spec.Device at(Path host, String inContainer) {
    Map<String, Object> unix;
    try {
      unix = Files.readAttributes(host, "unix:mode,rdev,uid,gid");
    } catch (IOException e) {
      throw InvalidValueException.of("device", host.toString(), "no such device on this host");
    }
    int mode = (Integer) unix.get("mode");
    long rdev = (Long) unix.get("rdev");
    String type = (mode & S_IFMT) == S_IFCHR ? "c" : (mode & S_IFMT) == S_IFBLK ? "b" : null;
    if (type == null) {
      throw InvalidValueException.of("device", host.toString(), "not a character or block device");
    }
    return new Spec.Device(inContainer, type, major(rdev), minor(rdev), mode & 07777, (Integer) unix.get("uid"),
        (Integer) unix.get("gid"));
  }

  /** glibc's gnu_dev_major and gnu_dev_minor. */
  static long major(long rdev) {
    return ((rdev & 0x00000000000fff00L) >>> 8) | ((rdev & 0xfffff00000000000L) >>> 32);
  }

  static long minor(long rdev) {
    return (rdev & 0x00000000000000ffL) | ((rdev & 0x00000ffffff00000L) >>> 12);
  }
}
