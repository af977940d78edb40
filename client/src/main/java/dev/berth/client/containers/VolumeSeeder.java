package dev.berth.client.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.stream.Stream;

/**
 * Fills an empty volume with what the image has at the volume's container path, as Docker does
 * on a volume's first mount: files, directories, symbolic links and special files, with their
 * owners, modes and times; the volume's own directory takes the owner and mode of the image's.
 * An image of a non-root {@code USER} can then write to its own data directory.
 */
final class VolumeSeeder {
  /** A volume mounted at {@code target} in the container, kept in {@code hostDir}. */
  record Target(String target, Path hostDir) {
    /**
     * Only a volume with nothing in it is seeded: never mix the image's files into data. One this
     * client may not read (berthctl run by a member of the socket's group, not root) is left as
     * it is: seeding needs root here anyway, as mounting the image does.
     */
    boolean empty() {
      try (Stream<Path> entries = Files.list(hostDir)) {
        return entries.findAny().isEmpty();
      } catch (AccessDeniedException e) {
        return false;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read volume directory " + hostDir + ": " + e.getMessage(), e);
      }
    }
  }

  private VolumeSeeder() {}

  /** Copies {@code rootfs}'s content at the target into the volume; nothing if the image has none there. */
  static void seed(Path rootfs, Target volume) {
    Path source = inImage(rootfs, volume.target());
    if (source == null) {
      return;
    }
    try {
      copyTree(source, volume.hostDir());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot copy the image's " + volume.target() + " into its volume: "
          + e.getMessage(), e);
    }
  }

  /**
   * The image's directory at {@code target}, or null if there is none. A symbolic link on the way
   * is not followed: it could point out of the image, at the host's own files.
   */
  private static Path inImage(Path rootfs, String target) {
    Path at = rootfs;
    for (Path part : Path.of(target).normalize()) {
      at = at.resolve(part.toString());
      if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
        return null;
      }
    }
    return at.equals(rootfs) ? null : at;
  }

  private static void copyTree(Path source, Path target) throws IOException {
    Deque<Path[]> directories = new ArrayDeque<>();
    Files.walkFileTree(source, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        Path to = target.resolve(source.relativize(dir).toString());
        if (!dir.equals(source)) {
          Files.createDirectory(to);
        }
        directories.push(new Path[] {dir, to});
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.copy(file, target.resolve(source.relativize(file).toString()), LinkOption.NOFOLLOW_LINKS,
            StandardCopyOption.COPY_ATTRIBUTES);
        return FileVisitResult.CONTINUE;
      }
    });
    // owners, modes and times of directories last: writing into them above changed their times
    while (!directories.isEmpty()) {
      Path[] pair = directories.pop();
      copyAttributes(pair[0], pair[1]);
    }
  }

  private static void copyAttributes(Path from, Path to) throws IOException {
    for (String attribute : new String[] {"unix:uid", "unix:gid", "unix:mode"}) {
      Files.setAttribute(to, attribute, Files.getAttribute(from, attribute, LinkOption.NOFOLLOW_LINKS),
          LinkOption.NOFOLLOW_LINKS);
    }
    BasicFileAttributes times = Files.readAttributes(from, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    Files.getFileAttributeView(to, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
        .setTimes(times.lastModifiedTime(), times.lastAccessTime(), null);
  }
}
