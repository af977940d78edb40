package dev.berth.client.containers;

import dev.berth.client.ClientException;
import dev.berth.client.spec.RootfsFiles;
import dev.berth.linux.FileHandle;
import dev.berth.linux.FileStat;
import dev.berth.linux.InRoot;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/**
 * {@code docker cp}'s tar streams: a file or tree of a container's root written as a tar archive
 * ({@code cp CONTAINER:PATH -}), and an archive unpacked into a directory of it ({@code cp -
 * CONTAINER:DIR}). An archive is untrusted: every entry's parent is resolved by the kernel inside
 * the container's root as the container would resolve it (symlinks included), so nothing lands
 * outside the root, and an entry's own name is never followed. Files are read and made through
 * descriptors ({@link InRoot}, {@link FileHandle}), never by a path the container could change
 * between its resolving and its use.
 */
public final class TarStreams {
  private TarStreams() {}

  /**
   * Writes {@code source} (a file, symlink or directory tree) as a tar archive whose entries are
   * named from {@code name} (the last component of the path as the container sees it; empty for
   * its root, whose entries then go without a prefix). The tree is walked through descriptors,
   * each name opened in the directory it was listed in and never followed, so a container
   * changing its files meanwhile cannot make the walk leave the tree. Directories on a file
   * system of a type in {@code emptied} (statfs's f_type) are written without what is in them.
   * As Docker's archives, entries carry a file's capabilities, and a regular file the size its
   * stat said: what a running container adds meanwhile is left out, and one that shrank fails.
   */
  public static void write(FileHandle source, String name, Set<Long> emptied, OutputStream out) throws IOException {
    TarArchiveOutputStream tar = new TarArchiveOutputStream(out);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    FileStat stat = source.stat();
    if (stat.isDirectory()) {
      walk(tar, source, stat, name, emptied);
    } else {
      put(tar, source, stat, name);
    }
    tar.finish();
    out.flush();
  }

  private static void walk(TarArchiveOutputStream tar, FileHandle dir, FileStat stat, String name, Set<Long> emptied)
      throws IOException {
    if (!name.isEmpty()) {
      put(tar, dir, stat, name);
    }
    if (emptied.contains(dir.fileSystemType())) {
      return;
    }
    for (String child : dir.list()) {
      Optional<FileHandle> found = dir.child(child);
      if (found.isEmpty()) {
        // removed since it was listed
        continue;
      }
      try (FileHandle h = found.get()) {
        FileStat s = h.stat();
        String entry = name.isEmpty() ? child : name + "/" + child;
        if (s.isDirectory()) {
          walk(tar, h, s, entry, emptied);
        } else {
          put(tar, h, s, entry);
        }
      }
    }
  }

  private static void put(TarArchiveOutputStream tar, FileHandle file, FileStat stat, String name) throws IOException {
    TarArchiveEntry entry;
    if (stat.isSymbolicLink()) {
      entry = new TarArchiveEntry(name, TarConstants.LF_SYMLINK);
      entry.setLinkName(file.readLink());
    } else if (stat.isDirectory()) {
      entry = new TarArchiveEntry(name + "/");
    } else if (stat.isRegularFile()) {
      entry = new TarArchiveEntry(name);
      entry.setSize(stat.size());
    } else {
      // sockets, FIFOs and devices have no content to copy
      return;
    }
    entry.setMode(stat.permissions() | (entry.isDirectory() ? 040000 : entry.isSymbolicLink() ? 0120000 : 0100000));
    entry.setUserId(stat.uid() & 0xffffffffL);
    entry.setGroupId(stat.gid() & 0xffffffffL);
    // in whole seconds, as Docker's daemon writes it: a fraction would cost a PAX header per entry
    entry.setModTime(FileTime.from(stat.modified().truncatedTo(ChronoUnit.SECONDS)));
    Optional<byte[]> capability = FileCapability.of(file);
    if (capability.isPresent()) {
      TarXattrs.putArchiveEntry(tar, entry, Map.of(FileCapability.XATTR, capability.get()));
    } else {
      tar.putArchiveEntry(entry);
    }
    if (stat.isRegularFile()) {
      try (InputStream content = file.read()) {
        // the size the header announces: what a running container adds meanwhile is left out
        SizedCopy.copy(content, tar, stat.size(), name);
      }
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
   * hard links within the archive are made, with the xattrs their PAX records carry (as Docker's
   * unpacking sets them, EPERM let be); an entry whose xattr the kernel refuses otherwise fails
   * the unpacking in Docker's daemon's words and is not left behind. Other kinds are skipped. Input that is
   * no tar archive is refused before anything is written. Directories get their times last, as Docker's
   * unpacking does: what is made in them afterwards would change them.
   */
  public static void extract(InputStream in, Path root, String dir) throws IOException {
    extract(in, root, dir, Unpacking.CP);
  }

  /** Which of Docker's two ways of unpacking an archive: its daemon's for cp, its builder's for ADD. */
  public enum Unpacking {
    /**
     * {@code docker cp}'s: what is unpacked belongs to whoever unpacks it (root), and an xattr the
     * file system does not support fails the copy
     */
    CP,
    /**
     * the builder's, for ADD's local tar: the owners the entries name (uid and gid), and an xattr
     * the file system does not support (EOPNOTSUPP: a Mac's {@code com.apple.quarantine}) left
     * out and logged, as its BestEffortXattrs does
     */
    ADD
  }

  /** As {@link #extract(InputStream, Path, String)}, unpacked as {@code unpacking} says. */
  public static void extract(InputStream in, Path root, String dir, Unpacking unpacking) throws IOException {
    try (InRoot rootfs = InRoot.open(root)) {
      extract(in, rootfs, dir, unpacking);
    }
  }

  /**
   * As {@link #extract(InputStream, Path, String, Unpacking)}, into a root already open: every
   * entry's parent is resolved by the kernel inside it, and the entry made through that
   * directory's descriptor, so that a process changing the root's files meanwhile cannot make
   * it land outside.
   */
  public static void extract(InputStream in, InRoot root, String dir, Unpacking unpacking) throws IOException {
    XattrTarInputStream tar = new XattrTarInputStream(requireTar(in));
    Map<String, FileTime> directoryTimes = new LinkedHashMap<>();
    Path dest = Path.of("/").resolve(dir).normalize();
    for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
      String name = stripSlashes(inDestination(dest, e).toString());
      if (name.isEmpty() || name.equals(".") || e.isCharacterDevice() || e.isBlockDevice() || e.isFIFO()) {
        continue;
      }
      String last = name.substring(name.lastIndexOf('/') + 1);
      if (last.equals("..")) {
        throw new ClientException("archive entry " + name + " names a parent directory");
      }
      try (FileHandle parent = directory(root, parentOf(dir, name))) {
        boolean existingDirectory = isDirectory(parent, last);
        FileHandle target = unpack(tar, e, root, dir, name, parent, last, existingDirectory);
        if (target == null) {
          continue;
        }
        try (target) {
          if (e.isSymbolicLink() || e.isLink()) {
            own(target, e, unpacking);
            continue;
          }
          // owner first: chown clears the setuid and setgid bits, which the mode then sets again,
          // and file capabilities, which the entry's xattrs then set again
          own(target, e, unpacking);
          try {
            for (Map.Entry<String, byte[]> xattr : tar.xattrs().entrySet()) {
              TarXattrs.setUnpacked(target, inRoot(dir, name), xattr.getKey(), xattr.getValue(),
                  unpacking == Unpacking.ADD);
            }
          } catch (ClientException refused) {
            // a name the kernel knows no namespace of (../x, /x), a value over its 64 KiB, a
            // namespace the file system refuses: the entry is not left behind without them, with
            // the archive's contents but not its mode (a directory that was there stays)
            if (!existingDirectory) {
              parent.remove(last);
            }
            throw refused;
          }
          target.chmod(e.getMode() & 07777);
          FileTime modified = FileTime.from(e.getModTime().toInstant());
          if (e.isDirectory()) {
            directoryTimes.put(inRoot(dir, name), modified);
          } else {
            target.setModified(modified.toInstant());
          }
        }
      }
    }
    for (Map.Entry<String, FileTime> d : directoryTimes.entrySet()) {
      Optional<FileHandle> found = root.find(d.getKey(), false);
      if (found.isPresent()) {
        try (FileHandle h = found.get()) {
          h.setModified(d.getValue().toInstant());
        }
      }
    }
  }

  /** Makes entry {@code e} as {@code last} in {@code parent}; what it made, or null for a kind not unpacked. */
  private static FileHandle unpack(TarArchiveInputStream tar, TarArchiveEntry e, InRoot root, String dir,
      String name, FileHandle parent, String last, boolean existingDirectory) throws IOException {
    if (e.isDirectory()) {
      if (existingDirectory) {
        return parent.child(last).orElseThrow();
      }
      parent.remove(last);
      return parent.mkdir(last, 0755);
    }
    if (e.isSymbolicLink()) {
      parent.remove(last);
      parent.symlink(e.getLinkName(), last);
      return parent.child(last).orElseThrow();
    }
    if (e.isLink()) {
      String linkName = stripSlashes(e.getLinkName());
      Optional<FileHandle> linked = root.find(inRoot(dir, linkName), false);
      if (linked.isEmpty()) {
        // Go's words for the link(2) that failed, with the paths as the root sees them, not the host's
        throw new ClientException("link " + inRoot(dir, linkName) + " " + inRoot(dir, name)
            + ": no such file or directory");
      }
      try (FileHandle l = linked.get()) {
        parent.remove(last);
        parent.link(l, last);
      }
      return parent.child(last).orElseThrow();
    }
    if (!e.isFile()) {
      return null;
    }
    if (existingDirectory) {
      throw new ClientException("cannot overwrite directory " + dir + "/" + name + " with a file");
    }
    parent.remove(last);
    FileHandle file = parent.createFile(last, 0600);
    try (OutputStream out = file.write()) {
      tar.transferTo(out);
    } catch (IOException | RuntimeException failed) {
      file.close();
      throw failed;
    }
    return file;
  }

  /** Whether {@code name} in {@code parent} is a directory (not a symlink to one). */
  private static boolean isDirectory(FileHandle parent, String name) throws IOException {
    try (FileHandle h = parent.child(name).orElse(null)) {
      return h != null && h.stat().isDirectory();
    }
  }

  /**
   * The directory {@code path} inside {@code root}, resolved as the root would resolve it and made
   * (with its missing parents, and where a dangling symlink on the way points) when it is not
   * there, through the descriptor of the one above.
   */
  public static FileHandle directory(InRoot root, String path) throws IOException {
    return directory(root, path, 0);
  }

  private static FileHandle directory(InRoot root, String path, int links) throws IOException {
    Optional<FileHandle> found = root.find(path, true);
    if (found.isPresent()) {
      return found.get();
    }
    String trimmed = stripSlashes(path);
    int slash = trimmed.lastIndexOf('/');
    String last = trimmed.substring(slash + 1);
    if (last.isEmpty() || last.equals(".") || last.equals("..")) {
      return root.resolve(path, true);
    }
    String above = "/" + trimmed.substring(0, Math.max(slash, 0));
    try (FileHandle parent = directory(root, above, links)) {
      Optional<FileHandle> existing = parent.child(last);
      if (existing.isEmpty()) {
        return parent.mkdir(last, 0755);
      }
      String target;
      try (FileHandle link = existing.get()) {
        if (!link.stat().isSymbolicLink() || links >= RootfsFiles.MAX_SYMLINKS) {
          // a file where a directory is wanted, or made meanwhile: as the root resolves it
          return root.resolve(path, true);
        }
        target = link.readLink();
      }
      // a dangling symlink: the directory is made where it points, as the container would see it
      return directory(root, target.startsWith("/") ? target : above + "/" + target, links + 1);
    }
  }

  /** The directory entry {@code name} goes into, under {@code dir}, as a path in the root. */
  private static String parentOf(String dir, String name) {
    int slash = name.lastIndexOf('/');
    // one slash between them, so the paths messages name are as the root shows them ("/kept", not "//kept")
    return dir.replaceFirst("/+$", "") + "/" + (slash < 0 ? "" : name.substring(0, slash));
  }

  /**
   * Gives {@code target} the entry's owners when {@code unpacking} keeps them (ADD's), only where it
   * has others: a chown clears setuid and setgid, and a hard link has no mode of its own to set
   * them again with.
   */
  private static void own(FileHandle target, TarArchiveEntry e, Unpacking unpacking) throws IOException {
    if (unpacking != Unpacking.ADD) {
      return;
    }
    int uid = (int) e.getLongUserId();
    int gid = (int) e.getLongGroupId();
    FileStat stat = target.stat();
    if (stat.uid() != uid || stat.gid() != gid) {
      target.chown(uid, gid);
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
