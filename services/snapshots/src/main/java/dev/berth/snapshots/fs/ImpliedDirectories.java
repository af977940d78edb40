package dev.berth.snapshots.fs;

import dev.berth.linux.Syscalls;
import dev.berth.linux.Xattrs;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Directories a layer implies without listing them ({@code a/b/file} with no {@code a/b/} entry)
 * take the owner, mode, extended attributes and times of the directory they cover in the lower
 * layers, so that covering it on an overlay upperdir changes nothing but what it holds (a new
 * {@code /tmp/x} must not turn {@code /tmp} into mode 0755).
 *
 * <p>A layer unpacked before its lower layers are (side by side with them, to be committed onto
 * them later) cannot look them up: its implied directories are {@linkplain #mark marked}, and
 * {@linkplain #settle settled} when the snapshot is committed onto its parent.
 */
public final class ImpliedDirectories {
  /** Berth's extended attributes, which no layer may set. */
  public static final String RESERVED_XATTRS = "trusted.berth.";
  /** On a directory whose metadata is still to come from the lower layers. */
  private static final String MARK = RESERVED_XATTRS + "implied";
  private static final String OVERLAY_XATTRS = "trusted.overlay.";

  /** The times a directory should end with; setting them waits until its children are in. */
  public record Times(FileTime atime, FileTime mtime) {}

  private ImpliedDirectories() {}

  /** Marks {@code dir}, made for a layer whose lower layers are not known yet. */
  public static void mark(Path dir) throws IOException {
    Xattrs.set(dir, MARK, new byte[] {'1'});
  }

  /** Takes the mark off {@code dir}, whose metadata the layer gave after all. */
  public static void unmark(Path dir) throws IOException {
    Xattrs.remove(dir, MARK);
  }

  /** The topmost lower layer's directory at {@code components}, unless a non-directory hides it first. */
  public static Optional<Path> lowerDirectory(List<Path> lowers, List<String> components) throws IOException {
    for (Path lower : lowers) {
      Path p = lower;
      boolean missing = false;
      for (String c : components) {
        p = p.resolve(c);
        BasicFileAttributes a = lstat(p);
        if (a == null) {
          missing = true;
          break;
        }
        if (!a.isDirectory()) {
          // a file, symlink or whiteout covers everything below it
          return Optional.empty();
        }
      }
      if (!missing) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Gives {@code dir} the owner, mode and extended attributes (overlay's aside) of {@code lower}; returns its times. */
  public static Times copyMetadata(Path lower, Path dir) throws IOException {
    Map<String, Object> a = Files.readAttributes(lower, "unix:uid,gid,mode,lastAccessTime,lastModifiedTime",
        LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(dir, "unix:uid", a.get("uid"), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(dir, "unix:gid", a.get("gid"), LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(dir, "unix:mode", (Integer) a.get("mode") & 07777);
    for (String name : Xattrs.list(lower)) {
      byte[] value = Xattrs.get(lower, name);
      if (value != null && !name.startsWith(OVERLAY_XATTRS) && !name.startsWith(RESERVED_XATTRS)) {
        Xattrs.set(dir, name, value);
      }
    }
    return new Times((FileTime) a.get("lastAccessTime"), (FileTime) a.get("lastModifiedTime"));
  }

  /**
   * Settles the marked directories of {@code upper}, an upperdir now committed onto
   * {@code lowers} (its parent's layers, topmost first): each takes the metadata of the
   * directory it covers there, or keeps what it has (0755, root's) where it covers none.
   */
  public static void settle(Path upper, List<Path> lowers) throws IOException {
    List<Path> marked = new ArrayList<>();
    Files.walkFileTree(upper, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (Xattrs.get(dir, MARK) != null) {
          marked.add(dir);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    for (Path dir : marked) {
      List<String> components = new ArrayList<>();
      if (!dir.equals(upper)) {
        upper.relativize(dir).forEach(c -> components.add(c.toString()));
      }
      Optional<Path> lower = lowerDirectory(lowers, components);
      if (lower.isPresent()) {
        Times times = copyMetadata(lower.get(), dir);
        Syscalls.setTimes(dir, times.atime().toInstant(), times.mtime().toInstant());
      }
      Xattrs.remove(dir, MARK);
    }
  }

  private static BasicFileAttributes lstat(Path p) throws IOException {
    try {
      return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }
}
