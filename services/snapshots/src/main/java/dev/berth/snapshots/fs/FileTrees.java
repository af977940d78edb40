package dev.berth.snapshots.fs;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/** Whole-tree operations that never follow symbolic links. */
public final class FileTrees {
  /** Bytes and inodes of a tree, as {@code du} counts them: each hard-linked inode once. */
  public record Usage(long size, long inodes) {}

  private FileTrees() {}

  /** Deletes {@code root} and everything below it; a tree that is already (partly) gone is fine. */
  public static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
        if (e instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw e;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
        if (e != null && !(e instanceof NoSuchFileException)) {
          throw e;
        }
        Files.deleteIfExists(dir);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  /** The apparent size and the inode count of {@code root}'s tree, root included. */
  public static Usage usage(Path root) throws IOException {
    Set<Object> seen = new HashSet<>();
    long[] totals = new long[2];
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
        count(attrs);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
        count(attrs);
        return FileVisitResult.CONTINUE;
      }

      private void count(BasicFileAttributes attrs) {
        // the file key is (device, inode): hard links share it
        if (seen.add(attrs.fileKey())) {
          totals[0] += attrs.size();
          totals[1]++;
        }
      }
    });
    return new Usage(totals[0], totals[1]);
  }
}
