package dev.berth.client.containers;

import dev.berth.client.ClientException;
import dev.berth.client.spec.RootfsFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * {@code docker cp}'s tar streams: a file or tree of a container's root written as a tar archive
 * ({@code cp CONTAINER:PATH -}), and an archive unpacked into a directory of it ({@code cp -
 * CONTAINER:DIR}). An archive is untrusted: every entry's parent is resolved inside the
 * container's root as the container would resolve it (symlinks included), so nothing lands
 * outside the root, and an entry's own name is never followed.
 */
public final class TarStreams {
  private TarStreams() {}

  /**
   * Writes {@code source} (a file, symlink or directory tree) as a tar archive whose entries are
   * named from {@code name} (the last component of the path as the container sees it; empty for
   * its root, whose entries then go without a prefix). Directories in {@code emptied} (normalized
   * paths) are written without what is in them.
   */
  public static void write(Path source, String name, Set<Path> emptied, OutputStream out) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    Path top = Path.of(name);
    if (Files.isDirectory(source, LinkOption.NOFOLLOW_LINKS)) {
      Files.walkFileTree(source, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
          visitFile(dir, attrs);
          return emptied.contains(dir.normalize()) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          Path entry = top.resolve(source.relativize(file).toString());
          if (!entry.toString().isEmpty()) {
            put(tar, file, entry.toString());
          }
          return FileVisitResult.CONTINUE;
        }
      });
    } else {
      put(tar, source, top.toString());
    }
    tar.finish();
    out.flush();
  }

  private static void put(TarArchiveOutputStream tar, Path file, String name) throws IOException {
    TarArchiveEntry entry;
    boolean regular = Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS);
    if (Files.isSymbolicLink(file)) {
      entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
      entry.setLinkName(Files.readSymbolicLink(file).toString());
    } else if (Files.isDirectory(file, LinkOption.NOFOLLOW_LINKS)) {
      entry = new TarArchiveEntry(name + "/");
    } else if (regular) {
      entry = new TarArchiveEntry(name);
      entry.setSize(Files.size(file));
    } else {
      // sockets, FIFOs and devices have no content to copy
      return;
    }
    entry.setMode((int) Files.getAttribute(file, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777
        | (entry.isDirectory() ? 040000 : entry.isSymbolicLink() ? 0120000 : 0100000));
    entry.setUserId(((Number) Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS)).longValue());
    entry.setGroupId(((Number) Files.getAttribute(file, "unix:gid", LinkOption.NOFOLLOW_LINKS)).longValue());
    // in whole seconds, as Docker's daemon writes it: a fraction would cost a PAX header per entry
    entry.setModTime(FileTime.from(Files.getLastModifiedTime(file, LinkOption.NOFOLLOW_LINKS).toInstant()
        .truncatedTo(ChronoUnit.SECONDS)));
    tar.putArchiveEntry(entry);
    if (regular) {
      Files.copy(file, tar);
    }
    tar.closeArchiveEntry();
  }

  /**
   * {@code in}, read from its start again, once its first block is a tar header or the end of
   * an empty archive: commons-compress takes a short or foreign input for an empty archive.
   */
  static InputStream requireTar(InputStream in) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(in, TarConstants.DEFAULT_RCDSIZE);
    buffered.mark(TarConstants.DEFAULT_RCDSIZE);
    byte[] first = buffered.readNBytes(TarConstants.DEFAULT_RCDSIZE);
    boolean endOfArchive = first.length == TarConstants.DEFAULT_RCDSIZE && allZero(first);
    if (!endOfArchive && !TarArchiveInputStream.matches(first, first.length)) {
      throw new ClientException("the input is not a tar archive");
    }
    buffered.reset();
    return buffered;
  }

  private static boolean allZero(byte[] block) {
    for (byte b : block) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Unpacks the archive on {@code in} into directory {@code dir} of the root file system at
   * {@code root} (a path as the container sees it). Regular files, directories, symlinks and
   * hard links within the archive are made; other kinds are skipped. Input that is no tar
   * archive is refused before anything is written. Directories get their times last, as Docker's
   * unpacking does: what is made in them afterwards would change them.
   */
  public static void extract(InputStream in, Path root, String dir) throws IOException {
    extract(in, root, dir, Ownership.UNPACKER);
  }

  /** Who owns what an archive unpacks to. */
  public enum Ownership {
    /** whoever unpacks it: {@code cp}'s files are root's */
    UNPACKER,
    /** the owners the entries name (uid and gid), as Docker's builder unpacks ADD's local tar */
    ARCHIVE
  }

  /** As {@link #extract(InputStream, Path, String)}, with the files owned as {@code owners} says. */
  public static void extract(InputStream in, Path root, String dir, Ownership owners) throws IOException {
    TarArchiveInputStream tar = new TarArchiveInputStream(requireTar(in));
    Map<Path, FileTime> directoryTimes = new LinkedHashMap<>();
    Path dest = Path.of("/").resolve(dir).normalize();
    for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
      String name = stripSlashes(inDestination(dest, e).toString());
      if (name.isEmpty() || name.equals(".") || e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
        continue;
      }
      Path target = target(root, dir, name);
      if (e.isDirectory()) {
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          Files.deleteIfExists(target);
          Files.createDirectories(target);
        }
      } else if (e.isSymbolicLink()) {
        Files.deleteIfExists(target);
        Files.createSymbolicLink(target, Path.of(e.getLinkName()));
        own(target, e, owners);
        continue;
      } else if (e.isLink()) {
        String linkName = stripSlashes(e.getLinkName());
        Path existing = target(root, dir, linkName);
        Files.deleteIfExists(target);
        try {
          Files.createLink(target, existing);
        } catch (NoSuchFileException missing) {
          // Go's words for the link(2) that failed, with the paths as the root sees them, not the host's
          throw new ClientException("link " + inRoot(dir, linkName) + " " + inRoot(dir, name)
              + ": no such file or directory");
        }
        own(target, e, owners);
        continue;
      } else if (e.isFile()) {
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          throw new ClientException("cannot overwrite directory " + dir + "/" + name + " with a file");
        }
        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
      } else {
        continue;
      }
      // owner first: chown clears the setuid and setgid bits, which the mode then sets again
      own(target, e, owners);
      // the whole mode: PosixFilePermission has no setuid, setgid or sticky bit
      Files.setAttribute(target, "unix:mode", e.getMode() & 07777);
      FileTime modified = FileTime.from(e.getModTime().toInstant());
      if (e.isDirectory()) {
        directoryTimes.put(target, modified);
      } else {
        Files.setLastModifiedTime(target, modified);
      }
    }
    for (Map.Entry<Path, FileTime> d : directoryTimes.entrySet()) {
      Files.setLastModifiedTime(d.getKey(), d.getValue());
    }
  }

  /**
   * Gives {@code target} the entry's owners if {@code owners} says so, only where it has others: a
   * chown clears setuid and setgid, and a hard link has no mode of its own to set them again with.
   */
  private static void own(Path target, TarArchiveEntry e, Ownership owners) throws IOException {
    if (owners != Ownership.ARCHIVE) {
      return;
    }
    int uid = (int) e.getLongUserId();
    int gid = (int) e.getLongGroupId();
    if ((int) Files.getAttribute(target, "unix:uid", LinkOption.NOFOLLOW_LINKS) != uid
        || (int) Files.getAttribute(target, "unix:gid", LinkOption.NOFOLLOW_LINKS) != gid) {
      Files.setAttribute(target, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
      Files.setAttribute(target, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }
  }

  /**
   * Where entry {@code e} goes under {@code dest} (a path as the root sees it), relative to it.
   * Refused in the words of Docker's unpacking (moby's pkg/archive): an entry whose name climbs
   * out of the directory the archive is unpacked into, a symlink whose relative target does, a
   * hard link to a file outside it. Inside the root they would still replace what the user did not
   * name ({@code ../etc/passwd} unpacked into /tmp).
   */
  private static Path inDestination(Path dest, TarArchiveEntry e) {
    // as Go's filepath.Clean: ".." above an absolute name's top stays at the top
    String name = e.getName();
    Path cleaned = name.startsWith("/") ? Path.of(name).normalize() : Path.of(name.isEmpty() ? "." : name).normalize();
    Path path = dest.resolve(cleaned.toString().replaceFirst("^/+", "")).normalize();
    if (!path.startsWith(dest)) {
      throw new ClientException(quoted(cleaned.toString()) + " is outside of " + quoted(dest.toString()));
    }
    if (e.isSymbolicLink() && !e.getLinkName().startsWith("/")
        && !path.resolveSibling(e.getLinkName()).normalize().startsWith(dest)) {
      throw new ClientException("invalid symlink " + quoted(path.toString()) + " -> " + quoted(e.getLinkName()));
    }
    if (e.isLink()) {
      Path linked = dest.resolve(e.getLinkName().replaceFirst("^/+", "")).normalize();
      if (!linked.startsWith(dest)) {
        throw new ClientException("invalid hardlink " + quoted(linked.toString()) + " -> " + quoted(e.getLinkName()));
      }
    }
    return dest.relativize(path);
  }

  /** As Go's %q writes a plain path. */
  private static String quoted(String path) {
    return "\"" + path + "\"";
  }

  /** An entry's path as the root file system shows it. */
  private static String inRoot(String dir, String name) {
    return Path.of("/").resolve(dir).resolve(name).normalize().toString();
  }

  /** The entry's place: its parent resolved inside the root, its own name taken as is. */
  private static Path target(Path root, String dir, String name) throws IOException {
    int slash = name.lastIndexOf('/');
    String last = name.substring(slash + 1);
    if (last.equals("..")) {
      throw new ClientException("archive entry " + name + " names a parent directory");
    }
    Path parent = RootfsFiles.pathInside(root, dir + "/" + (slash < 0 ? "" : name.substring(0, slash)));
    Files.createDirectories(parent);
    return parent.resolve(last);
  }

  private static String stripSlashes(String name) {
    String s = name;
    while (s.startsWith("/")) {
      s = s.substring(1);
    }
    while (s.endsWith("/")) {
      s = s.substring(0, s.length() - 1);
    }
    return s;
  }
}
