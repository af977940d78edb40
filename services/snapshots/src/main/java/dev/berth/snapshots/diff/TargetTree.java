package dev.berth.snapshots.diff;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;
import dev.berth.snapshots.fs.ImpliedDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The directory a layer is unpacked into, reached only through checked steps: every component
 * on the way to an entry is looked at without following links, and a symbolic link or a
 * non-directory there refuses the entry, so nothing is ever written outside the target.
 */
final class TargetTree {
  /** Times to give a directory once the layer is in (adding children changes a directory's mtime). */
  record DirTimes(FileTime atime, FileTime mtime) {}

  private final Path root;
  private final List<Path> lowers;
  private final boolean lowersToCome;
  private final Map<Path, DirTimes> dirTimes;

  /**
   * @param lowers overlay lower layers, topmost first, whose directories give their metadata to
   *     directories the layer implies without listing them; empty when unpacking a whole tree
   * @param lowersToCome the target is an upperdir whose lower layers are not known yet
   * @param dirTimes where directories created here note the times they should end up with
   */
  TargetTree(Path root, List<Path> lowers, boolean lowersToCome, Map<Path, DirTimes> dirTimes) {
    this.root = root;
    this.lowers = lowers;
    this.lowersToCome = lowersToCome;
    this.dirTimes = dirTimes;
  }

  Path root() {
    return root;
  }

  boolean lowersToCome() {
    return lowersToCome;
  }

  /**
   * The directory holding {@code components}' last element, creating missing directories on
   * the way when {@code create}; empty when it is missing and not to be created.
   */
  Optional<Path> parentDir(List<String> components, boolean create, String entryName) throws IOException {
    Path dir = root;
    for (int i = 0; i < components.size() - 1; i++) {
      Path next = dir.resolve(components.get(i));
      BasicFileAttributes a = lstat(next);
      if (a == null) {
        if (!create) {
          return Optional.empty();
        }
        createImpliedDirectory(next, components.subList(0, i + 1));
      } else if (a.isSymbolicLink()) {
        throw Errors.invalidArgument("layer entry %s goes through symbolic link %s",
            Identifiers.printable(entryName), EntryNames.join(components.subList(0, i + 1)));
      } else if (!a.isDirectory()) {
        throw Errors.invalidArgument("layer entry %s goes through %s, which is not a directory",
            Identifiers.printable(entryName), EntryNames.join(components.subList(0, i + 1)));
      }
      dir = next;
    }
    return Optional.of(dir);
  }

  /** An existing non-directory inside the target that a hard link may point to. */
  Path linkSource(List<String> components, String entryName) throws IOException {
    if (components.isEmpty()) {
      throw Errors.invalidArgument("hard link %s points to the target root", Identifiers.printable(entryName));
    }
    Optional<Path> dir = parentDir(components, false, entryName);
    Path source = dir.map(d -> d.resolve(components.get(components.size() - 1))).orElse(null);
    BasicFileAttributes a = source == null ? null : lstat(source);
    if (a == null || a.isDirectory()) {
      throw Errors.invalidArgument("hard link %s points to %s, which is no file of this layer",
          Identifiers.printable(entryName), EntryNames.join(components));
    }
    return source;
  }

  /**
   * A directory the layer implies: on an upperdir it takes the metadata of the directory it
   * covers in the lower layers ({@link ImpliedDirectories}), otherwise it is 0755, root's; on an
   * upperdir whose lower layers are to come it is marked, to be settled when committed onto them.
   */
  private void createImpliedDirectory(Path dir, List<String> components) throws IOException {
    Files.createDirectory(dir);
    Optional<Path> lower = ImpliedDirectories.lowerDirectory(lowers, components);
    if (lower.isEmpty()) {
      FileMetadata.setMode(dir, 0755);
      if (lowersToCome) {
        ImpliedDirectories.mark(dir);
      }
      return;
    }
    ImpliedDirectories.Times times = ImpliedDirectories.copyMetadata(lower.get(), dir);
    dirTimes.put(dir, new DirTimes(times.atime(), times.mtime()));
  }

  static BasicFileAttributes lstat(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
