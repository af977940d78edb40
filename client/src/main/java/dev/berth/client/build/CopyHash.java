package dev.berth.client.build;

import dev.berth.api.Digests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Stream;

/**
 * The name COPY's and ADD's history gives what they copy, and so the build cache's key for it:
 * {@code file:} one file, {@code dir:} one directory, {@code multi:} more, then a SHA-256 over
 * exactly what {@link FileCopier} copies: each source's name, then every entry it copies (what
 * .dockerignore leaves out not included), its path, mode, and a file's bytes or a link's target.
 * Berth's own hash, not Docker's tarsum.
 */
final class CopyHash {
  private static final int BUFFER = 1 << 16;

  private CopyHash() {}

  static String of(CopySource source, List<CopySource.Found> found) throws IOException {
    MessageDigest sha = Digests.newSha256();
    for (CopySource.Found f : found) {
      text(sha, "source " + f.name());
      entry(sha, source, f.path());
    }
    String hex = Digests.hex(Digests.format(sha));
    if (found.size() > 1) {
      return "multi:" + hex;
    }
    return (Files.isDirectory(path(source, found.get(0).path()), LinkOption.NOFOLLOW_LINKS) ? "dir:" : "file:") + hex;
  }

  private static void entry(MessageDigest sha, CopySource source, String rel) throws IOException {
    Path p = path(source, rel);
    text(sha, rel);
    text(sha, String.valueOf(Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS)));
    if (Files.isSymbolicLink(p)) {
      text(sha, Files.readSymbolicLink(p).toString());
    } else if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
      bytes(sha, p);
    } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
      List<Path> children;
      try (Stream<Path> list = Files.list(p)) {
        children = list.sorted().toList();
      }
      for (Path child : children) {
        String childRel = rel.isEmpty() ? child.getFileName().toString() : rel + "/" + child.getFileName();
        if (source.included().test(childRel)) {
          entry(sha, source, childRel);
        }
      }
    }
  }

  /** A file's bytes, a buffer at a time: a file may be larger than memory. */
  private static void bytes(MessageDigest sha, Path file) throws IOException {
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        sha.update(buffer, 0, n);
      }
    }
  }

  /** The text and a separator, so that no two sequences of names hash alike. */
  private static void text(MessageDigest sha, String text) {
    sha.update(text.getBytes(StandardCharsets.UTF_8));
    sha.update((byte) 0);
  }

  private static Path path(CopySource source, String rel) {
    return rel.isEmpty() ? source.root() : source.root().resolve(rel);
  }
}
