package dev.berth.client.images;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Names of files in image archives. They only ever key a map (nothing is written to disk by
 * them), so cleaning them as Go's path.Clean does is all they need.
 */
final class ArchivePaths {
  private ArchivePaths() {}

  /** {@code ./a//b/../c/} is {@code a/c}; the root is "". */
  static String clean(String name) {
    Deque<String> parts = new ArrayDeque<>();
    for (String part : name.split("/")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        parts.pollLast();
      } else {
        parts.addLast(part);
      }
    }
    return String.join("/", parts);
  }

  /** Where a symlink at {@code path} to {@code target} points, relative to the archive's root. */
  static String resolveLink(String path, String target) {
    int slash = path.lastIndexOf('/');
    String dir = slash < 0 ? "" : path.substring(0, slash);
    return clean(dir + "/" + target);
  }

  /** The digest an OCI layout's path {@code blobs/<algorithm>/<encoded>} names, or null. */
  static String blobDigest(String path) {
    String[] parts = path.split("/");
    if (parts.length != 3 || !parts[0].equals("blobs")) {
      return null;
    }
    return parts[1] + ":" + parts[2];
  }
}
