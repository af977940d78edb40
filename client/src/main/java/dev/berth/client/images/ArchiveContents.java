package dev.berth.client.images;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an image archive held, once its files are in the content store: the layout markers, the
 * stored files by path, symlinks between paths, and the small JSON files' bytes by digest.
 *
 * @param layoutVersion the {@code imageLayoutVersion} of {@code oci-layout}, or null without one
 * @param dockerManifest the bytes of {@code manifest.json} (docker save), or null without one
 */
record ArchiveContents(String layoutVersion, byte[] dockerManifest, Map<String, StoredFile> files,
    Map<String, String> symlinks, Map<String, byte[]> json) {

  /** A file of the archive as stored: its digest, size and how its bytes are compressed. */
  record StoredFile(String digest, long size, Compression compression) {}

  /** Links followed at most, so a loop of symlinks ends. */
  private static final int MAX_LINKS = 16;

  /** The stored file at {@code path}, following symlinks, or null. */
  StoredFile file(String path) {
    String p = path;
    for (int i = 0; i <= MAX_LINKS && p != null; i++) {
      StoredFile f = files.get(ArchivePaths.clean(p));
      if (f != null) {
        return f;
      }
      p = symlinks.get(ArchivePaths.clean(p));
    }
    return null;
  }

  /** Digests of every file stored. */
  Set<String> digests() {
    return files.values().stream().map(StoredFile::digest).collect(Collectors.toSet());
  }
}
