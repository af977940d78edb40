package dev.berth.client.images;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.api.content.Blobs;
import dev.berth.client.ClientException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongConsumer;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Reads an image archive (a tar, possibly gzip or zstd compressed) in one pass, as a stream may
 * only be read once: every regular file goes to the content store as it passes (the files that
 * matter are only known once manifest.json or index.json, which may come last, is read), except
 * the layout markers and Docker's legacy v1 metadata, which nothing references.
 */
final class ArchiveReader {
  static final String OCI_LAYOUT = "oci-layout";
  static final String OCI_INDEX = "index.json";
  static final String DOCKER_MANIFEST = "manifest.json";
  /** Files up to this size are read whole and written in one request. */
  private static final int SMALL_FILE = Blobs.CHUNK_BYTES;
  private static final int BUFFER = 64 << 10;
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private final Blobs content;
  private final String refPrefix;

  /** {@code refPrefix} makes this import's ingest names its own. */
  ArchiveReader(Blobs content, String refPrefix) {
    this.content = content;
    this.refPrefix = refPrefix;
  }

  /** Stores the archive's files; {@code progress} is told the archive bytes read so far. */
  ArchiveContents read(InputStream archive, LongConsumer progress) throws IOException {
    BufferedInputStream buffered = new BufferedInputStream(new CountingInputStream(archive, progress), BUFFER);
    TarArchiveInputStream tar = new TarArchiveInputStream(Compression.decompressed(buffered));
    String layoutVersion = null;
    byte[] dockerManifest = null;
    Map<String, ArchiveContents.StoredFile> files = new HashMap<>();
    Map<String, String> symlinks = new HashMap<>();
    Map<String, byte[]> json = new HashMap<>();
    TarArchiveEntry entry;
    while ((entry = next(tar)) != null) {
      String name = ArchivePaths.clean(entry.getName());
      if (entry.isSymbolicLink()) {
        symlinks.put(name, ArchivePaths.resolveLink(name, entry.getLinkName()));
        continue;
      }
      if (!isRegularFile(entry) || name.isEmpty()) {
        continue;
      }
      switch (name) {
        case OCI_LAYOUT -> layoutVersion = layoutVersion(readSmall(tar, entry, name));
        case DOCKER_MANIFEST -> dockerManifest = readSmall(tar, entry, name);
        default -> {
          if (!isLegacyMetadata(name)) {
            files.put(name, store(name, entry.getSize(), tar, json));
          }
        }
      }
    }
    return new ArchiveContents(layoutVersion, dockerManifest, files, symlinks, json);
  }

  private static TarArchiveEntry next(TarArchiveInputStream tar) {
    try {
      return tar.getNextEntry();
    } catch (IOException e) {
      throw new ClientException("not a readable tar archive: " + e.getMessage(), e);
    }
  }

  /** Links, devices and directories carry no blob; hard links and devices have no place in an archive of blobs. */
  private static boolean isRegularFile(TarArchiveEntry e) {
    return e.isFile() && !e.isLink() && !e.isSymbolicLink() && !e.isCharacterDevice()
        && !e.isBlockDevice() && !e.isFIFO() && !e.isDirectory();
  }

  /** docker save's {@code repositories} and per-layer {@code json} and {@code VERSION} (image format v1). */
  private static boolean isLegacyMetadata(String name) {
    if (name.equals("repositories")) {
      return true;
    }
    int slash = name.lastIndexOf('/');
    String base = name.substring(slash + 1);
    return slash > 0 && !name.startsWith("blobs/") && (base.equals("json") || base.equals("VERSION"));
  }

  private ArchiveContents.StoredFile store(String name, long size, InputStream data, Map<String, byte[]> json)
      throws IOException {
    String expected = expectedDigest(name);
    String ref = refPrefix + name;
    if (size <= SMALL_FILE) {
      byte[] bytes = data.readNBytes((int) size);
      if (bytes.length != size) {
        throw new ClientException("archive entry " + name + " ends early");
      }
      Blobs.Written written = content.write(ref, bytes, Map.of());
      if (expected != null && !expected.equals(written.digest())) {
        throw new ClientException("archive entry " + name + " does not hold the blob its name says: its digest is "
            + written.digest());
      }
      if (bytes.length > 0 && bytes[0] == '{') {
        json.put(written.digest(), bytes);
      }
      return new ArchiveContents.StoredFile(written.digest(), size, Compression.detect(bytes, bytes.length));
    }
    BufferedInputStream in = new BufferedInputStream(data, BUFFER);
    in.mark(Compression.MAGIC_BYTES);
    byte[] head = in.readNBytes(Compression.MAGIC_BYTES);
    in.reset();
    Blobs.Written written = content.write(ref, in, size, expected, Map.of(), n -> {});
    return new ArchiveContents.StoredFile(written.digest(), size, Compression.detect(head, head.length));
  }

  /** The digest an OCI layout path names; Berth stores sha256 blobs only. */
  private static String expectedDigest(String name) {
    String digest = ArchivePaths.blobDigest(name);
    if (digest == null) {
      return null;
    }
    String[] parts = digest.split(":", 2);
    if (!parts[0].equals("sha256") || !SHA256_HEX.matcher(parts[1]).matches()) {
      throw new ClientException("archive entry " + name + " is not named blobs/sha256/<64 hex digits>;"
          + " only sha256 blobs are supported");
    }
    return digest;
  }

  private static byte[] readSmall(InputStream in, TarArchiveEntry entry, String name) throws IOException {
    if (entry.getSize() > JsonBlobs.MAX_JSON_BYTES) {
      throw new ClientException("archive entry " + name + " is " + entry.getSize() + " bytes, too big for its kind");
    }
    return in.readNBytes((int) entry.getSize());
  }

  private static String layoutVersion(byte[] layout) {
    JsonNode version = OciJson.tree(layout, OCI_LAYOUT).path("imageLayoutVersion");
    if (!version.isTextual()) {
      throw new ClientException(OCI_LAYOUT + " names no imageLayoutVersion");
    }
    return version.asText();
  }
}
