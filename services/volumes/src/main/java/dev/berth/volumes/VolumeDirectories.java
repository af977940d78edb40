package dev.berth.volumes;

import dev.berth.api.fs.AtomicFiles;
import dev.berth.linux.Mounts;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.logging.Logger;

/**
 * Where volumes' data lives: {@code <root>/volumes/<namespace>/<name>/_data}. A volume leaves
 * by being renamed into {@code <root>/volumes/.trash/} first, so a crash half-way through removing
 * its files never leaves a half volume under its name; whatever is in the trash goes at start.
 * Removal never follows a symbolic link and never descends into another file system mounted
 * inside a volume: only the volume's own files are deleted. A volume with driver options has its
 * file system mounted on {@code _data}, which removal unmounts first.
 */
final class VolumeDirectories {
  private static final Logger LOG = Logger.getLogger(VolumeDirectories.class.getName());
  static final String DATA = "_data";
  // neither namespaces (identifiers) nor volume names (VolumeNames) start with '.'
  private static final String TRASH = ".trash";

  private final Path volumes;

  VolumeDirectories(Path root) throws IOException {
    this.volumes = root.toAbsolutePath().resolve("volumes");
    // like Docker's volumes directory: others may pass through to a bind-mounted _data, not list it
    createDirectory(volumes, "rwx-----x");
    Files.createDirectories(volumes.resolve(TRASH));
  }

  Path mountpoint(String namespace, String name) {
    return volume(namespace, name).resolve(DATA);
  }

  /** Makes the volume's empty data directory; a directory left under the name by a crash goes first. */
  void create(String namespace, String name) throws IOException {
    Path nsDir = volumes.resolve(namespace);
    createDirectory(nsDir, "rwx-----x");
    Path dir = volume(namespace, name);
    if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      LOG.warning("volume directory " + dir + " has no record (left by a crash); replacing it");
      remove(namespace, name);
    }
    Path staging = nsDir.resolve(".new-" + UUID.randomUUID());
    try {
      createDirectory(staging, "rwxr-xr-x");
      createDirectory(staging.resolve(DATA), "rwxr-xr-x");
      Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteTree(staging);
      throw e;
    }
    AtomicFiles.fsyncDirectory(nsDir);
  }

  /** Mounts the file system {@code options} describe on the volume's data directory, unless one is there already. */
  void mount(String namespace, String name, LocalDriverOptions options) throws IOException {
    Path data = mountpoint(namespace, name);
    if (!isMountPoint(data)) {
      Mounts.mount(options.mount(), data);
    }
  }

  /**
   * Moves the volume out of sight, then deletes its files; what cannot be deleted stays in the
   * trash. A file system mounted on its data directory is unmounted first (a bound host directory
   * keeps its files).
   */
  void remove(String namespace, String name) throws IOException {
    Path dir = volume(namespace, name);
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    unmount(dir.resolve(DATA));
    Path trashed = volumes.resolve(TRASH).resolve(UUID.randomUUID().toString());
    Files.move(dir, trashed, StandardCopyOption.ATOMIC_MOVE);
    AtomicFiles.fsyncDirectory(dir.getParent());
    deleteTree(trashed);
  }

  /** Bytes in the volume's regular files (links not followed, other file systems not entered). */
  long size(String namespace, String name) throws IOException {
    Path dir = volume(namespace, name);
    AtomicLong bytes = new AtomicLong();
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    Object device = device(dir);
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
        return device.equals(device(d)) ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        if (attrs.isRegularFile()) {
          bytes.addAndGet(attrs.size());
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        return FileVisitResult.CONTINUE;
      }
    });
    return bytes.get();
  }

  /**
   * Run once at start: volume directories without a record ({@code recorded} says which have
   * one) were left by a create or delete that a crash cut short and go to the trash; then the
   * trash is emptied.
   */
  void sweep(BiPredicate<String, String> recorded) throws IOException {
    try (DirectoryStream<Path> namespaces = Files.newDirectoryStream(volumes)) {
      for (Path nsDir : namespaces) {
        String namespace = nsDir.getFileName().toString();
        if (namespace.equals(TRASH) || !Files.isDirectory(nsDir, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(nsDir)) {
          for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if (name.startsWith(".") || !recorded.test(namespace, name)) {
              LOG.warning("removing " + entry + ": no volume record (create or delete interrupted)");
              unmount(entry.resolve(DATA));
              Files.move(entry, volumes.resolve(TRASH).resolve(UUID.randomUUID().toString()), StandardCopyOption.ATOMIC_MOVE);
            }
          }
        }
      }
    }
    try (DirectoryStream<Path> trash = Files.newDirectoryStream(volumes.resolve(TRASH))) {
      for (Path t : trash) {
        try {
          deleteTree(t);
        } catch (IOException e) {
          LOG.warning("cannot empty " + t + " from the volume trash: " + e.getMessage());
        }
      }
    }
  }

  private static void unmount(Path data) throws IOException {
    if (isMountPoint(data)) {
      Mounts.unmount(data);
    }
  }

  /** Whether a file system is mounted on {@code path} in our mount namespace. */
  private static boolean isMountPoint(Path path) throws IOException {
    Path real;
    try {
      real = path.toRealPath();
    } catch (NoSuchFileException e) {
      return false;
    }
    // mountinfo's fifth field: the real path, with the kernel's octal escapes of space, tab, newline and backslash
    String escaped = real.toString().replace("\\", "\\134").replace(" ", "\\040").replace("\t", "\\011")
        .replace("\n", "\\012");
    for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
      String[] fields = line.split(" ", 6);
      if (fields.length > 4 && fields[4].equals(escaped)) {
        return true;
      }
    }
    return false;
  }

  private Path volume(String namespace, String name) {
    return volumes.resolve(namespace).resolve(name);
  }

  private static void createDirectory(Path dir, String permissions) throws IOException {
    Files.createDirectories(dir);
    // set after creation: the process umask would narrow permissions given at creation
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString(permissions));
  }

  /**
   * Deletes {@code top} and everything under it that is on its file system. walkFileTree does
   * not follow links by default: a link is deleted itself, never its target.
   */
  static void deleteTree(Path top) throws IOException {
    if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Object device = device(top);
    List<String> left = new ArrayList<>();
    Files.walkFileTree(top, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (!device.equals(device(dir))) {
          left.add(dir + " is a mount point");
          return FileVisitResult.SKIP_SUBTREE;
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) {
        if (!(e instanceof NoSuchFileException)) {
          left.add(file + ": " + e.getMessage());
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null) {
          left.add(dir + ": " + e.getMessage());
        }
        try {
          Files.deleteIfExists(dir);
        } catch (DirectoryNotEmptyException notEmpty) {
          if (left.isEmpty()) {
            left.add(dir + " is not empty");
          }
        }
        return FileVisitResult.CONTINUE;
      }
    });
    if (!left.isEmpty()) {
      throw new IOException("could not remove all of " + top + ": " + String.join("; ", left));
    }
  }

  private static Object device(Path p) throws IOException {
    return Files.getAttribute(p, "unix:dev", LinkOption.NOFOLLOW_LINKS);
  }
}
