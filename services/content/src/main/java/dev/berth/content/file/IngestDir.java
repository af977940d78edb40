package dev.berth.content.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.Digests;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * One ingest's directory under {@code content/ingest}: the data file and its metadata. The
 * directory is named by a hash of (namespace, ref), so no ref can name a path of its own.
 */
final class IngestDir {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DATA = "data";
  private static final String META = "meta.json";

  private final Path dir;

  IngestDir(Path ingestRoot, String namespace, String ref) {
    this.dir = ingestRoot.resolve(key(namespace, ref));
  }

  private IngestDir(Path dir) {
    this.dir = dir;
  }

  /** Every ingest directory under {@code ingestRoot}, whatever namespace it belongs to. */
  static List<IngestDir> all(Path ingestRoot) throws IOException {
    List<IngestDir> dirs = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(ingestRoot, Files::isDirectory)) {
      entries.forEach(d -> dirs.add(new IngestDir(d)));
    }
    return dirs;
  }

  /** A NUL cannot occur in a namespace, so no two (namespace, ref) pairs hash the same input. */
  private static String key(String namespace, String ref) {
    MessageDigest sha256 = Digests.newSha256();
    sha256.update(namespace.getBytes(StandardCharsets.UTF_8));
    sha256.update((byte) 0);
    sha256.update(ref.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(sha256.digest());
  }

  Path path() {
    return dir;
  }

  Path data() {
    return dir.resolve(DATA);
  }

  /**
   * The metadata, or empty when the ingest does not exist (or was never completely created, or
   * a crash left its metadata empty or torn: see {@link #writeMeta}).
   */
  Optional<IngestMeta> readMeta() throws IOException {
    byte[] json;
    try {
      json = Files.readAllBytes(dir.resolve(META));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(json, IngestMeta.class));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  /**
   * Replaces the metadata atomically (a reader sees the old or the new file) but does not sync
   * it: nothing of an ingest is durable before its commit syncs the data, and metadata a crash
   * lost only makes the ingest start over from offset 0. Syncing it cost two disk flushes for
   * every blob a client sends, also for each blob of an image that is there already.
   */
  void writeMeta(IngestMeta meta) throws IOException {
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + META, ".tmp");
    try {
      Files.write(temp, JSON.writeValueAsBytes(meta));
      Files.move(temp, dir.resolve(META), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** The data file's length: the offset reached. */
  long dataSize() throws IOException {
    try {
      return Files.size(data());
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  /**
   * Deletes the ingest. The metadata goes first, so a crash half-way leaves a directory that
   * counts as absent and is reset by the next writer of the ref.
   */
  void remove() throws IOException {
    Files.deleteIfExists(dir.resolve(META));
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        Files.deleteIfExists(p);
      }
    } catch (NoSuchFileException e) {
      return;
    }
    Files.deleteIfExists(dir);
  }
}
