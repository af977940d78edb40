package dev.berth.snapshots.diff;

import dev.berth.api.Identifiers;
import dev.berth.common.fs.FileTrees;
import dev.berth.api.grpc.Errors;
import dev.berth.linux.Syscalls;
import dev.berth.linux.Xattrs;
import dev.berth.snapshots.fs.ImpliedDirectories;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Unpacks an uncompressed OCI layer (tar) into a directory: regular files, directories,
 * symlinks, hard links within the target, devices and fifos with their owners, modes, times
 * and extended attributes; {@code .wh.} whiteouts and {@code .wh..wh..opq} opaque markers as
 * {@link WhiteoutStyle} says. Entries that would leave the target or write through a link are
 * INVALID_ARGUMENT; the target is then left as far as the layer got.
 */
final class LayerUnpacker {
  private static final String WHITEOUT_PREFIX = ".wh.";
  private static final String OPAQUE_MARKER = ".wh..wh..opq";
  private static final String OPAQUE_XATTR = "trusted.overlay.opaque";

  private final WhiteoutStyle style;
  private final TargetTree tree;
  private final Map<Path, TargetTree.DirTimes> dirTimes = new HashMap<>();
  /** Paths this layer created, and their ancestors: whiteouts only hide what lies beneath the layer. */
  private final Set<String> fromThisLayer = new HashSet<>();

  /**
   * @param root the directory to unpack into
   * @param lowers for {@link WhiteoutStyle#OVERLAY_UPPER}, the overlay's lower directories,
   *     topmost first
   */
  LayerUnpacker(Path root, WhiteoutStyle style, List<Path> lowers) {
    this.style = style;
    this.tree = new TargetTree(root, lowers, lowersToCome(style, lowers), dirTimes);
  }

  /**
   * An upperdir without lower layers is one to be committed onto its parent later, as a layer
   * unpacked side by side with those below it is (containerd's clients name it so).
   */
  private static boolean lowersToCome(WhiteoutStyle style, List<Path> lowers) {
    return style == WhiteoutStyle.OVERLAY_UPPER && lowers.isEmpty();
  }

  void unpack(InputStream uncompressed) throws IOException {
    if (tree.lowersToCome()) {
      // the root too takes its parent's metadata, unless the layer has its say on it
      ImpliedDirectories.mark(tree.root());
    }
    TarArchiveInputStream tar = new TarArchiveInputStream(uncompressed, StandardCharsets.UTF_8.name());
    TarArchiveEntry entry;
    while ((entry = next(tar)) != null) {
      List<String> components = EntryNames.components(entry.getName());
      String base = components.isEmpty() ? "" : components.get(components.size() - 1);
      if (base.startsWith(WHITEOUT_PREFIX)) {
        whiteout(entry.getName(), components, base);
      } else if (components.isEmpty()) {
        root(entry);
      } else {
        create(tar, entry, components);
      }
    }
    // only now: every entry created in a directory changed its modification time
    for (Map.Entry<Path, TargetTree.DirTimes> d : dirTimes.entrySet()) {
      Syscalls.setTimes(d.getKey(), d.getValue().atime().toInstant(), d.getValue().mtime().toInstant());
    }
  }

  private static TarArchiveEntry next(TarArchiveInputStream tar) {
    try {
      return tar.getNextEntry();
    } catch (IOException e) {
      throw Errors.invalidArgument("layer is not a valid tar stream: %s", e.getMessage());
    }
  }

  /** A {@code ./} entry: the layer's say on the root directory's metadata. */
  private void root(TarArchiveEntry entry) throws IOException {
    if (!entry.isDirectory()) {
      throw Errors.invalidArgument("layer entry %s names the root but is no directory",
          Identifiers.printable(entry.getName()));
    }
    ImpliedDirectories.unmark(tree.root());
    FileMetadata.apply(tree.root(), entry);
    noteDirTimes(tree.root(), entry);
  }

  private void create(TarArchiveInputStream tar, TarArchiveEntry entry, List<String> components)
      throws IOException {
    String name = entry.getName();
    Path dir = tree.parentDir(components, true, name).orElseThrow();
    Path target = dir.resolve(components.get(components.size() - 1));
    BasicFileAttributes existing = TargetTree.lstat(target);
    boolean keepDirectory = existing != null && existing.isDirectory() && entry.isDirectory();
    if (existing != null && !keepDirectory) {
      // replaced, never written through: a symlink here is removed, not followed
      if (existing.isDirectory()) {
        FileTrees.deleteRecursively(target);
      } else {
        Files.delete(target);
      }
    }
    if (entry.isDirectory()) {
      if (!keepDirectory) {
        Files.createDirectory(target);
      }
      FileMetadata.apply(target, entry);
      noteDirTimes(target, entry);
    } else if (entry.isSymbolicLink()) {
      // the link's text is stored as it is; it is never followed while unpacking
      Files.createSymbolicLink(target, Path.of(entry.getLinkName()));
      FileMetadata.apply(target, entry);
      FileMetadata.setTimes(target, entry);
    } else if (entry.isLink()) {
      Path source = tree.linkSource(EntryNames.components(entry.getLinkName()), name);
      Files.createLink(target, source);
    } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
      int type = entry.isFIFO() ? Syscalls.S_IFIFO
          : entry.isCharacterDevice() ? Syscalls.S_IFCHR : Syscalls.S_IFBLK;
      Syscalls.mknod(target, type | (entry.getMode() & 07777), entry.getDevMajor(), entry.getDevMinor());
      FileMetadata.apply(target, entry);
      FileMetadata.setTimes(target, entry);
    } else if (entry.isFile()) {
      writeFile(tar, entry, target);
      FileMetadata.apply(target, entry);
      FileMetadata.setTimes(target, entry);
    } else {
      throw Errors.invalidArgument("layer entry %s has unsupported type %c",
          Identifiers.printable(name), (char) entry.getLinkFlag());
    }
    noteFromThisLayer(components);
  }

  private static void writeFile(TarArchiveInputStream tar, TarArchiveEntry entry, Path target) throws IOException {
    try (FileChannel out = FileChannel.open(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
        LinkOption.NOFOLLOW_LINKS)) {
      byte[] buffer = new byte[64 << 10];
      int n;
      while ((n = read(tar, buffer)) > 0) {
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
        while (b.hasRemaining()) {
          out.write(b);
        }
      }
    }
  }

  private static int read(TarArchiveInputStream tar, byte[] buffer) {
    try {
      return tar.read(buffer);
    } catch (IOException e) {
      throw Errors.invalidArgument("layer is not a valid tar stream: %s", e.getMessage());
    }
  }

  private void whiteout(String name, List<String> components, String base) throws IOException {
    boolean upper = style == WhiteoutStyle.OVERLAY_UPPER;
    // on an upperdir the directory may exist only in a lower layer: create it there to hold the whiteout
    Optional<Path> dir = tree.parentDir(components, upper, name);
    if (dir.isEmpty()) {
      return;
    }
    List<String> dirComponents = components.subList(0, components.size() - 1);
    if (base.equals(OPAQUE_MARKER)) {
      if (upper) {
        Xattrs.set(dir.get(), OPAQUE_XATTR, new byte[] {'y'});
      } else {
        clearBelowLayer(dir.get(), dirComponents);
      }
      return;
    }
    String hidden = base.substring(WHITEOUT_PREFIX.length());
    if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
      throw Errors.invalidArgument("layer entry %s is not a valid whiteout", Identifiers.printable(name));
    }
    String hiddenPath = dirComponents.isEmpty() ? hidden : EntryNames.join(dirComponents) + "/" + hidden;
    if (fromThisLayer.contains(hiddenPath)) {
      return;
    }
    Path target = dir.get().resolve(hidden);
    BasicFileAttributes existing = TargetTree.lstat(target);
    if (existing != null) {
      if (existing.isDirectory()) {
        FileTrees.deleteRecursively(target);
      } else {
        Files.delete(target);
      }
    }
    if (upper) {
      Syscalls.mknod(target, Syscalls.S_IFCHR, 0, 0);
    }
  }

  /** An opaque directory on a whole tree: everything in it that this layer did not put there goes. */
  private void clearBelowLayer(Path dir, List<String> dirComponents) throws IOException {
    String prefix = dirComponents.isEmpty() ? "" : EntryNames.join(dirComponents) + "/";
    try (DirectoryStream<Path> children = Files.newDirectoryStream(dir)) {
      for (Path child : children) {
        if (!fromThisLayer.contains(prefix + child.getFileName())) {
          FileTrees.deleteRecursively(child);
        }
      }
    }
  }

  private void noteFromThisLayer(List<String> components) {
    for (int i = 1; i <= components.size(); i++) {
      fromThisLayer.add(EntryNames.join(components.subList(0, i)));
    }
  }

  private void noteDirTimes(Path dir, TarArchiveEntry entry) {
    dirTimes.put(dir, new TargetTree.DirTimes(
        entry.getLastAccessTime() == null ? entry.getLastModifiedTime() : entry.getLastAccessTime(),
        entry.getLastModifiedTime()));
  }
}
