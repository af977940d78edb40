package dev.berth.network.files;

import dev.berth.api.network.ContainerFilePaths;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
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

  /** Rewrites a container's /etc/hosts in place; nothing if the container's files are gone. */
  public void rewriteHosts(ContainerFilePaths paths, String hosts) throws IOException {
    if (Files.exists(paths.hosts())) {
      overwrite(paths.hosts(), hosts);
    }
  }

  /** A container's resolv.conf as it is now; empty if the container's files are gone. */
  public String readResolvConf(ContainerFilePaths paths) throws IOException {
    return Files.exists(paths.resolvConf()) ? Files.readString(paths.resolvConf()) : "";
  }

  /** Rewrites a container's resolv.conf in place, as {@link #rewriteHosts}. */
  public void rewriteResolvConf(ContainerFilePaths paths, String resolvConf) throws IOException {
    if (Files.exists(paths.resolvConf())) {
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
    if (Files.exists(file)) {
      overwrite(file, content);
    } else {
      Path temp = file.resolveSibling("." + file.getFileName() + ".tmp");
      Files.writeString(temp, content, StandardCharsets.UTF_8);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Replaces {@code file}'s content in place, keeping its inode, as the class comment says. */
  private static void overwrite(Path file, String content) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8));
    try (FileChannel c = FileChannel.open(file, StandardOpenOption.WRITE)) {
      // these files are a few hundred bytes: one write(2) puts them all
      while (bytes.hasRemaining()) {
        c.write(bytes, bytes.position());
      }
      c.truncate(bytes.limit());
      c.force(false);
    }
  }
}
