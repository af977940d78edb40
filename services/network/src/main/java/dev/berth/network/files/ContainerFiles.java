package dev.berth.network.files;

import dev.berth.api.network.ContainerFilePaths;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The generated /etc files of containers, under {@code <state>/network/<namespace>/<container>}.
 *
 * <p>A first write is atomic (temporary file renamed into place) but not fsynced: these files
 * live in the state directory, whose contents mean nothing after a machine crash (the
 * namespaces they belong to are gone too), and a process crash loses nothing written. Later
 * writes (the peers of a user-defined network changed) go into the same file: it is
 * bind-mounted into the running container, and a bind mount keeps the inode it was made with,
 * so a renamed-over file would never be seen there. They write the whole new content over the
 * old from offset 0 in one write, then cut the file to its length and sync it: a resolver
 * reading meanwhile sees the old content or the new (perhaps followed by the old one's tail for
 * an instant), never an empty file, and a crash cannot leave it empty either.
 */
public final class ContainerFiles {
  /**
   * The most of a container's resolv.conf berthd reads (glibc's resolver reads it all, but
   * berthd writes a few hundred bytes; a file past this size is the container's own).
   */
  public static final int MAX_RESOLV_CONF = 64 * 1024;

  private final Path root;

  public ContainerFiles(Path root) {
    this.root = root;
  }

  public Path directory(String namespace, String containerId) {
    return root.resolve(namespace).resolve(containerId);
  }

  public void write(ContainerFilePaths paths, String hosts, String hostname, String resolvConf) throws IOException {
    Files.createDirectories(paths.hosts().getParent());
    put(paths.hosts(), hosts);
    put(paths.hostname(), hostname + "\n");
    put(paths.resolvConf(), resolvConf);
  }

  /** What a container's three files hold. */
  public record Contents(String hosts, String hostname, String resolvConf) {}

  /**
   * The container's files as they are, if all three are still regular files berthd wrote (a
   * network disconnected last keeps them for the next): empty otherwise.
   */
  public Optional<Contents> read(ContainerFilePaths paths) throws IOException {
    Optional<String> resolvConf = readResolvConf(paths);
    if (resolvConf.isEmpty() || !Files.isRegularFile(paths.hosts(), LinkOption.NOFOLLOW_LINKS)
        || !Files.isRegularFile(paths.hostname(), LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Contents(Files.readString(paths.hosts()), Files.readString(paths.hostname()),
          resolvConf.get()));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Puts {@code contents} back into the container's files, in place. */
  public void rewrite(ContainerFilePaths paths, Contents contents) throws IOException {
    overwrite(paths.hosts(), contents.hosts());
    overwrite(paths.hostname(), contents.hostname());
    overwrite(paths.resolvConf(), contents.resolvConf());
  }

  /** Rewrites a container's /etc/hosts in place; nothing if the container's files are gone. */
  public void rewriteHosts(ContainerFilePaths paths, String hosts) throws IOException {
    if (Files.exists(paths.hosts(), LinkOption.NOFOLLOW_LINKS)) {
      overwrite(paths.hosts(), hosts);
    }
  }

  /**
   * A container's resolv.conf as it is now, if it is still one berthd may take as such: empty if
   * the container's files are gone, the file is no longer a regular one (never followed: berthd
   * must not read or block on what a link or FIFO leads to) or it is over {@link
   * #MAX_RESOLV_CONF} bytes. The container writes into this file, so bytes that are no UTF-8
   * are read as U+FFFD rather than refused.
   */
  public Optional<String> readResolvConf(ContainerFilePaths paths) throws IOException {
    Path file = paths.resolvConf();
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      return Optional.empty();
    }
    try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
      byte[] bytes = in.readNBytes(MAX_RESOLV_CONF + 1);
      return bytes.length > MAX_RESOLV_CONF ? Optional.empty()
          : Optional.of(new String(bytes, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  /** Rewrites a container's resolv.conf in place, as {@link #rewriteHosts}. */
  public void rewriteResolvConf(ContainerFilePaths paths, String resolvConf) throws IOException {
    if (Files.exists(paths.resolvConf(), LinkOption.NOFOLLOW_LINKS)) {
      overwrite(paths.resolvConf(), resolvConf);
    }
  }

  public void delete(Path directory) throws IOException {
    if (!Files.exists(directory)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(directory)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
    Path namespaceDir = directory.getParent();
    try (Stream<Path> left = Files.list(namespaceDir)) {
      if (left.findAny().isEmpty()) {
        Files.deleteIfExists(namespaceDir);
      }
    }
  }

  private static void put(Path file, String content) throws IOException {
    if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      overwrite(file, content);
    } else {
      Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
      Files.writeString(temp, content, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Replaces {@code file}'s content in place, keeping its inode, as the class comment says; a
   * file that is no longer a regular one is refused rather than followed or opened (a FIFO would
   * block berthd).
   */
  private static void overwrite(Path file, String content) throws IOException {
    if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(file + " is not a regular file");
    }
    ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      // these files are a few hundred bytes: one write(2) puts them all
      while (bytes.hasRemaining()) {
        c.write(bytes, bytes.position());
      }
      c.truncate(bytes.limit());
      c.force(false);
    }
  }
}
