package dev.berth.snapshots.fs;

import dev.berth.api.snapshots.SnapshotUsage;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/** What a tree takes, as {@code du} counts it: each hard-linked inode once, links never followed. */
public final class TreeUsage {
  private TreeUsage() {}

  /** The apparent size and the inode count of {@code root}'s tree, root included. */
  public static SnapshotUsage of(Path root) throws IOException {
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
    return new SnapshotUsage(totals[0], totals[1]);
  }
}
