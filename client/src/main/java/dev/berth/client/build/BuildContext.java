package dev.berth.client.build;

import dev.berth.client.ClientException;
import dev.berth.client.containers.TarStreams;
import dev.berth.client.images.Compression;
import dev.berth.client.images.CountingInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A build's context: a local directory, whose {@code .dockerignore} leaves files out as Docker's
 * CLI does when it sends one, or a tar read from stdin and unpacked into a temporary directory
 * (deleted on close), which Docker's daemon takes whole.
 */
public final class BuildContext implements AutoCloseable {
  private static final long TAR_BLOCK = 512;
  private static final String IGNORE_FILE = ".dockerignore";
  private final Path root;
  private final DockerIgnore patterns;
  private final DockerIgnore ignore;
  private final boolean wholeTar;
  private final boolean temporary;
  /** The bytes of the archive read from stdin, which Docker's CLI counts as it sends them; -1 for a directory. */
  private final long streamBytes;

  private BuildContext(Path root, boolean temporary, boolean filtered, long streamBytes) {
    this.root = root;
    this.streamBytes = streamBytes;
    this.temporary = temporary;
    Path ignoreFile = root.resolve(IGNORE_FILE);
    try {
      this.patterns = Files.isRegularFile(ignoreFile)
          ? DockerIgnore.parse(Files.readString(ignoreFile, StandardCharsets.UTF_8)) : DockerIgnore.none();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ignoreFile + ": " + e.getMessage(), e);
    }
    this.ignore = filtered ? patterns : DockerIgnore.none();
    this.wholeTar = !filtered;
  }

  /** @throws ClientException in Docker's CLI's words if there is no such directory */
  public static BuildContext directory(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new ClientException("unable to prepare context: path \"" + dir + "\" not found");
    }
    return new BuildContext(dir.toAbsolutePath().normalize(), false, true, -1);
  }

  /**
   * A context sent as a tar archive, plain or compressed (Docker's {@code docker build - <
   * context.tar}), unpacked as it is read. Its {@code .dockerignore} leaves nothing out: Docker's
   * daemon only drops the {@code .dockerignore} and the Dockerfile when it names them (moby v27
   * builder/remotecontext/detect.go), which {@link #dockerfile} does.
   */
  public static BuildContext tar(InputStream in) throws IOException {
    Path dir = Files.createTempDirectory("berthctl-build-context");
    long[] read = {0};
    try {
      BufferedInputStream counted = new BufferedInputStream(new CountingInputStream(in, n -> read[0] = n));
      TarStreams.extract(Compression.decompressed(counted), dir, "/");
      // Docker's CLI sends stdin to its end, the padding after the archive's end blocks too
      counted.transferTo(OutputStream.nullOutputStream());
      return new BuildContext(dir, true, false, read[0]);
    } catch (IOException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /** No files at all: Docker's {@code docker build - < Dockerfile}. */
  public static BuildContext empty() throws IOException {
    return new BuildContext(Files.createTempDirectory("berthctl-build-context"), true, true, -1);
  }

  public Path root() {
    return root;
  }

  /**
   * The Dockerfile's text: {@code name} (default {@code Dockerfile}, or {@code dockerfile} when only
   * that is there) relative to the context unless absolute. From an unpacked tar, the Dockerfile and
   * the {@code .dockerignore} are then taken out of the context if the {@code .dockerignore} names
   * them, as Docker's daemon takes them out.
   */
  public String dockerfile(String name) {
    Path file = name == null ? root.resolve("Dockerfile") : root.resolve(name);
    if (name == null && !Files.exists(file) && Files.exists(root.resolve("dockerfile"))) {
      file = root.resolve("dockerfile");
    }
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (wholeTar) {
        for (Path buildFile : new Path[] {root.resolve(IGNORE_FILE), file}) {
          String rel = root.relativize(buildFile.normalize()).toString();
          if (buildFile.normalize().startsWith(root) && (patterns.excludes(rel)
              || DockerIgnore.parents(rel).stream().anyMatch(patterns::excludes))) {
            Files.deleteIfExists(buildFile);
          }
        }
      }
      return text;
    } catch (NoSuchFileException e) {
      throw new ClientException("unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat "
          + file + ": no such file or directory");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** What COPY and ADD without --from read: what of the context Docker's CLI would send. */
  public CopySource files() {
    return new CopySource(root, this::sent);
  }

  /**
   * Whether the daemon's copy of the context would hold {@code rel} (relative, {@code /}-separated):
   * what .dockerignore does not leave out and no skipped directory holds, and a directory left out
   * that holds something sent, which unpacking the sent tar makes again (moby v27 pkg/archive: the
   * CLI walks into a left-out directory that an exception's text begins under, writes no entry for
   * it, but writes what the exception brings back).
   */
  private boolean sent(String rel) {
    if (!ignore.hasExceptions()) {
      return !ignore.excludes(rel);
    }
    for (String parent : DockerIgnore.parents(rel)) {
      if (ignore.excludes(parent) && !ignore.entersExcluded(parent)) {
        return false;
      }
    }
    if (!ignore.excludes(rel)) {
      return true;
    }
    Path dir = root.resolve(rel);
    if (!ignore.entersExcluded(rel) || !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    try (Stream<Path> children = Files.list(dir)) {
      return children.anyMatch(child -> sent(rel + "/" + child.getFileName()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The size of the tar archive Docker's CLI would send of this context: an archive from stdin as
   * it came (compressed or not, padding included); of a directory, a 512-byte header per file,
   * directory and link sent (none for a directory left out that only holds what an exception
   * brings back), each file's bytes in whole blocks, and the two closing blocks.
   */
  public long sentBytes() {
    if (streamBytes >= 0) {
      return streamBytes;
    }
    long[] size = {2 * TAR_BLOCK};
    try (Stream<Path> walk = Files.walk(root)) {
      walk.filter(p -> !p.equals(root)).map(root::relativize).map(Path::toString)
          .filter(p -> !ignore.excludes(p) && sent(p)).map(root::resolve)
          .forEach(p -> {
            size[0] += TAR_BLOCK;
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
              try {
                size[0] += (Files.size(p) + TAR_BLOCK - 1) / TAR_BLOCK * TAR_BLOCK;
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            }
          });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return size[0];
  }

  @Override
  public void close() throws IOException {
    if (temporary) {
      deleteTree(root);
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
