package dev.berth.content.file;

import dev.berth.api.Digests;
import dev.berth.api.fs.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.ArrayList;
import java.nio.file.DirectoryStream;

/**
 * The blob files under {@code content/blobs/sha256}, one per digest, shared by every namespace.
 * A path is only ever built from a validated digest's hex.
 */
final class BlobFiles {
  private final Path dir;

  BlobFiles(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  Path path(String digest) {
    return dir.resolve(Digests.hex(digest));
  }

  boolean exists(String digest) {
    return Files.exists(path(digest));
  }

  FileChannel open(String digest) throws IOException {
    return FileChannel.open(path(digest), StandardOpenOption.READ);
  }

  /**
   * Moves verified, fsynced data into place under its digest. Rename within one filesystem is
   * atomic, and the directory fsync makes it survive a crash. Blobs are read-only: content
   * addressing means they never change.
   */
  void publish(Path data, String digest) throws IOException {
    Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("r--r--r--"));
    Files.move(data, path(digest), StandardCopyOption.ATOMIC_MOVE);
    AtomicFiles.fsyncDirectory(dir);
  }

  void remove(String digest) throws IOException {
    Files.deleteIfExists(path(digest));
  }

  /** The digest of every blob file. */
  List<String> digests() throws IOException {
    List<String> all = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
      for (Path f : files) {
        all.add(Digests.SHA256_PREFIX + f.getFileName());
      }
    }
    return all;
  }
}
