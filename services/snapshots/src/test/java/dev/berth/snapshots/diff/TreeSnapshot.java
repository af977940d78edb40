package dev.berth.snapshots.diff;

import dev.berth.api.Digests;
import dev.berth.linux.Xattrs;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Everything a layer carries about a tree, as comparable text per path (the root excluded). */
final class TreeSnapshot {
  private TreeSnapshot() {}

  static Map<String, String> of(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    Map<Object, List<String>> links = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    Files.walkFileTree(root, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
        if (!dir.equals(root)) {
          out.put(root.relativize(dir).toString(), describe(dir));
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        String rel = root.relativize(file).toString();
        out.put(rel, describe(file));
        if (attrs.isRegularFile() && (Integer) Files.getAttribute(file, "unix:nlink") > 1) {
          links.computeIfAbsent(attrs.fileKey(), k -> new ArrayList<>()).add(rel);
        }
        return FileVisitResult.CONTINUE;
      }
    });
    // which names share an inode, without the inode numbers, which differ between trees
    links.values().forEach(names -> names.forEach(n -> out.put(n, out.get(n) + " links=" + names)));
    return out;
  }

  private static String describe(Path p) throws IOException {
    Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid,gid,size,rdev,lastModifiedTime",
        LinkOption.NOFOLLOW_LINKS);
    int mode = (Integer) a.get("mode");
    // tar (as commons-compress writes PAX times) keeps 100 ns, not the file system's nanoseconds
    Instant mtime = ((FileTime) a.get("lastModifiedTime")).toInstant().truncatedTo(ChronoUnit.MICROS);
    StringBuilder b = new StringBuilder(String.format("mode=%o uid=%s gid=%s mtime=%s", mode, a.get("uid"),
        a.get("gid"), mtime));
    switch (mode & 0170000) {
      case 0100000 -> b.append(" content=").append(Digests.sha256(Files.readAllBytes(p)));
      case 0120000 -> b.append(" target=").append(Files.readSymbolicLink(p));
      case 0020000, 0060000 -> b.append(" rdev=").append(a.get("rdev"));
      default -> { }
    }
    for (String name : Xattrs.list(p)) {
      if (!name.startsWith("trusted.overlay.")) {
        b.append(' ').append(name).append('=').append(HexFormat.of().formatHex(Xattrs.get(p, name)));
      }
    }
    return b.toString();
  }
}
