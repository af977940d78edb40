package dev.berth.snapshots.diff;

import dev.berth.linux.Xattrs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The changes of an active overlay snapshot over its lower layers are exactly its upperdir:
 * every file there is new or changed, a 0/0 character device is a deletion, a directory with
 * {@code trusted.overlay.opaque=y} hides the lower layers' contents.
 */
final class UpperDirChanges {
  private UpperDirChanges() {}

  static void write(Path upper, TarChangeWriter out) throws IOException {
    walk(upper, "", out);
  }

  private static void walk(Path dir, String rel, TarChangeWriter out) throws IOException {
    for (Path child : sortedChildren(dir)) {
      String childRel = rel.isEmpty() ? child.getFileName().toString() : rel + "/" + child.getFileName();
      Map<String, Object> a = Files.readAttributes(child, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
      int type = (Integer) a.get("mode") & 0170000;
      if (type == 0020000 && (Long) a.get("rdev") == 0) {
        out.whiteout(childRel);
      } else if (type == 0040000) {
        byte[] opaque = Xattrs.get(child, "trusted.overlay.opaque");
        if (opaque != null && new String(opaque).equals("y")) {
          out.opaque(childRel);
        } else {
          out.add(childRel);
        }
        walk(child, childRel, out);
      } else {
        out.add(childRel);
      }
    }
  }

  static List<Path> sortedChildren(Path dir) throws IOException {
    try (var s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
