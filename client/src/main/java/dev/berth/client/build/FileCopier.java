package dev.berth.client.build;

import dev.berth.client.ClientException;
import dev.berth.client.containers.TarStreams;
import dev.berth.client.images.Compression;
import dev.berth.client.spec.RootfsFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.stream.Stream;

/**
 * Copies COPY's and ADD's sources into a root file system as Docker's builder does: a file to the
 * destination (into it when it is a directory or ends in {@code /}), a directory's contents into
 * the destination, symlinks as links; what is made belongs to {@code uid:gid} (root unless
 * {@code --chown}; a local tar's entries keep their own owners), keeps its mode (or gets {@code --chmod}'s, files and
 * directories copied alike, not a tar's entries) and its modification time. Missing
 * parent directories are made, with the same owner.
 */
final class FileCopier {
  private final Path rootfs;
  private final int uid;
  private final int gid;
  private final CopyMode chmod;
  private final Cancellation cancellation;

  /** {@code chmod}: {@code --chmod}, or null for the sources' own modes. */
  FileCopier(Path rootfs, int uid, int gid, CopyMode chmod, Cancellation cancellation) {
    this.rootfs = rootfs;
    this.uid = uid;
    this.gid = gid;
    this.chmod = chmod;
    this.cancellation = cancellation;
  }

  /**
   * Copies {@code paths} of {@code source} to {@code dest} (a path inside the root file system);
   * with {@code extract} (ADD) a local tar archive is unpacked into it instead.
   */
  void copy(CopySource source, List<CopySource.Found> sources, String dest, boolean extract) throws IOException {
    boolean intoDirectory = dest.endsWith("/") || sources.size() > 1;
    for (CopySource.Found found : sources) {
      Path from = found.path().isEmpty() ? source.root() : source.root().resolve(found.path());
      if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
        Path to = directory(dest);
        copyChildren(source, from, found.path(), to);
      } else if (extract && Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS) && isArchive(from)) {
        Path to = directory(dest);
        try (InputStream in = Compression.decompressed(new BufferedInputStream(Files.newInputStream(from)))) {
          // as Docker's builder: the entries' owners, whatever --chown says
          TarStreams.extract(in, rootfs, "/" + rootfs.relativize(to), TarStreams.Unpacking.ADD);
        } catch (ClientException e) {
          // the step's error, bare as Docker's builder prints it
          throw new BuildStepException(e.getMessage(), 1);
        }
      } else {
        Path target = inside(dest);
        // the name the source was given, not its link's target's
        String name = Path.of(found.name()).getFileName().toString();
        if (intoDirectory || Files.isDirectory(target)) {
          target = directory(dest).resolve(name);
        } else {
          makeParents(target.getParent());
        }
        copyEntry(source, from, found.path(), target);
      }
    }
  }

  private void copyChildren(CopySource source, Path dir, String rel, Path to) throws IOException {
    List<Path> children;
    try (Stream<Path> list = Files.list(dir)) {
      children = list.sorted().toList();
    }
    for (Path child : children) {
      String childRel = rel.isEmpty() ? child.getFileName().toString() : rel + "/" + child.getFileName();
      if (source.included().test(childRel)) {
        copyEntry(source, child, childRel, to.resolve(child.getFileName().toString()));
      }
    }
  }

  private void copyEntry(CopySource source, Path from, String rel, Path to) throws IOException {
    cancellation.check();
    if (Files.isSymbolicLink(from)) {
      Files.deleteIfExists(to);
      Files.createSymbolicLink(to, Files.readSymbolicLink(from));
      own(to);
      return;
    }
    if (Files.isDirectory(from, LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) {
        Files.deleteIfExists(to);
        Files.createDirectory(to);
      }
      copyChildren(source, from, rel, to);
    } else if (Files.isRegularFile(from, LinkOption.NOFOLLOW_LINKS)) {
      if (Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) {
        throw new BuildStepException("COPY failed: cannot overwrite directory " + rootfsPath(to) + " with file " + rel,
            1);
      }
      Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
    } else {
      return;
    }
    // owner first: chown clears the setuid and setgid bits, which the mode then sets again
    own(to);
    int mode = (Integer) Files.getAttribute(from, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    Files.setAttribute(to, "unix:mode", chmod == null ? mode : chmod.apply(mode, Files.isDirectory(to,
        LinkOption.NOFOLLOW_LINKS)));
    Files.setLastModifiedTime(to, (FileTime) Files.getAttribute(from, "lastModifiedTime", LinkOption.NOFOLLOW_LINKS));
  }

  private void own(Path p) throws IOException {
    Files.setAttribute(p, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(p, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
  }

  /** The destination as a directory, made with its parents if missing. */
  private Path directory(String dest) throws IOException {
    Path dir = inside(dest);
    makeParents(dir);
    return dir;
  }

  private void makeParents(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    makeParents(dir.getParent());
    Files.createDirectory(dir);
    own(dir);
    Files.setAttribute(dir, "unix:mode", 0755);
  }

  private Path inside(String containerPath) {
    return RootfsFiles.pathInside(rootfs, containerPath);
  }

  private String rootfsPath(Path p) {
    return "/" + rootfs.relativize(p);
  }

  /** Whether ADD unpacks the file: a tar archive, compressed or not, as Docker's builder tells. */
  private static boolean isArchive(Path file) throws IOException {
    try (InputStream in = Compression.decompressed(new BufferedInputStream(Files.newInputStream(file)))) {
      byte[] header = in.readNBytes(512);
      return header.length == 512 && new String(header, 257, 5, StandardCharsets.US_ASCII)
          .equals("ustar");
    } catch (IOException e) {
      return false;
    }
  }
}
