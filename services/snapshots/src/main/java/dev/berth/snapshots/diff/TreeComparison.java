package dev.berth.snapshots.diff;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The changes from one whole tree to another, found by walking both side by side: what only
 * the new tree has is added, what only the old one has is deleted, what both have is written
 * again if its type, metadata or content differ. Content is compared only where the metadata
 * cannot tell: same size and a modification time without sub-second part.
 */
final class TreeComparison {
  private static final String ATTRIBUTES = "unix:mode,uid,gid,size,lastModifiedTime,rdev";

  private TreeComparison() {}

  /** @param before the old tree, or null for an empty one */
  static void write(Path before, Path after, TarChangeWriter out) throws IOException {
    compare(before, after, "", out);
  }

  private static void compare(Path before, Path after, String rel, TarChangeWriter out) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    names.addAll(childNames(before));
    names.addAll(childNames(after));
    for (String name : names) {
      String childRel = rel.isEmpty() ? name : rel + "/" + name;
      Path old = before == null ? null : before.resolve(name);
      Path now = after.resolve(name);
      Map<String, Object> oldAttrs = old == null ? null : attributes(old);
      Map<String, Object> nowAttrs = attributes(now);
      if (nowAttrs == null) {
        out.whiteout(childRel);
      } else if (oldAttrs == null || type(oldAttrs) != type(nowAttrs)) {
        out.add(childRel);
        if (type(nowAttrs) == 0040000) {
          compare(null, now, childRel, out);
        }
      } else if (type(nowAttrs) == 0040000) {
        if (!sameMetadata(oldAttrs, nowAttrs)) {
          out.add(childRel);
        }
        compare(old, now, childRel, out);
      } else if (!sameFile(old, oldAttrs, now, nowAttrs)) {
        out.add(childRel);
      }
    }
  }

  private static boolean sameFile(Path old, Map<String, Object> oldAttrs, Path now, Map<String, Object> nowAttrs)
      throws IOException {
    if (!sameMetadata(oldAttrs, nowAttrs) || !oldAttrs.get("size").equals(nowAttrs.get("size"))
        || !oldAttrs.get("rdev").equals(nowAttrs.get("rdev"))) {
      return false;
    }
    int type = type(nowAttrs);
    if (type == 0120000) {
      return Files.readSymbolicLink(old).equals(Files.readSymbolicLink(now));
    }
    if (type == 0100000 && ((FileTime) nowAttrs.get("lastModifiedTime")).toInstant().getNano() == 0) {
      return Files.mismatch(old, now) == -1;
    }
    return true;
  }

  private static boolean sameMetadata(Map<String, Object> a, Map<String, Object> b) {
    return Objects.equals(a.get("mode"), b.get("mode")) && Objects.equals(a.get("uid"), b.get("uid"))
        && Objects.equals(a.get("gid"), b.get("gid"))
        && Objects.equals(a.get("lastModifiedTime"), b.get("lastModifiedTime"));
  }

  private static int type(Map<String, Object> a) {
    return (Integer) a.get("mode") & 0170000;
  }

  private static Map<String, Object> attributes(Path p) throws IOException {
    try {
      return Files.readAttributes(p, ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private static TreeSet<String> childNames(Path dir) throws IOException {
    TreeSet<String> names = new TreeSet<>();
    if (dir != null) {
      for (Path p : UpperDirChanges.sortedChildren(dir)) {
        names.add(p.getFileName().toString());
      }
    }
    return names;
  }
}
