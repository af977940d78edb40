package dev.berth.client.spec;

import dev.berth.client.ClientException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Optional;

/**
 * Reads files of a container's root file system by their path inside it, e.g. {@code /etc/passwd}
 * to resolve a user name. Empty when the file does not exist.
 */
@FunctionalInterface
public interface RootfsFiles {
  /** Larger than any real passwd or group file; a bigger one is not read into memory. */
  long MAX_BYTES = 4L << 20;
  /** As the kernel gives up on a path after 40 symlinks. */
  int MAX_SYMLINKS = 40;

  Optional<byte[]> read(String path);

  /** A root file system with no files: numeric users only. */
  static RootfsFiles none() {
    return path -> Optional.empty();
  }

  /**
   * The root file system mounted or unpacked at {@code root} on this host. Symlinks are followed
   * as the container would see them: an absolute target, or {@code ..} above the top, stays
   * inside {@code root}.
   */
  static RootfsFiles directory(Path root) {
    return path -> {
      Path file = pathInside(root, path);
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        byte[] data = in.readNBytes((int) MAX_BYTES + 1);
        if (data.length > MAX_BYTES) {
          throw new ClientException(path + " in the image is over " + MAX_BYTES + " bytes");
        }
        return Optional.of(data);
      } catch (NoSuchFileException e) {
        return Optional.empty();
      } catch (IOException e) {
        throw new ClientException("cannot read " + path + " of the image at " + root + ": " + e.getMessage(), e);
      }
    };
  }

  /**
   * As {@link #pathInside}, but a symlink that {@code path} ends in is left as it is: the path of
   * the link itself, as docker cp copies a link named as its source. A path that ends in '/',
   * '.' or '..' names a directory and is resolved whole.
   */
  static Path linkInside(Path root, String path) {
    int slash = path.lastIndexOf('/');
    String name = path.substring(slash + 1);
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      return pathInside(root, path);
    }
    return pathInside(root, path.substring(0, slash + 1)).resolve(name);
  }

  /**
   * {@code path} inside {@code root}, every symlink on the way resolved against {@code root} as
   * the container would resolve it (for copying files in and out of a container's root).
   */
  static Path pathInside(Path root, String path) {
    Deque<String> todo = new ArrayDeque<>(Arrays.asList(path.split("/")));
    Deque<String> done = new ArrayDeque<>();
    int links = 0;
    while (!todo.isEmpty()) {
      String name = todo.removeFirst();
      if (name.isEmpty() || name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        done.pollLast();
        continue;
      }
      Path candidate = join(root, done).resolve(name);
      if (!Files.isSymbolicLink(candidate)) {
        done.addLast(name);
        continue;
      }
      if (++links > MAX_SYMLINKS) {
        throw new ClientException(path + " in the image goes through more than " + MAX_SYMLINKS + " symlinks");
      }
      String target;
      try {
        target = Files.readSymbolicLink(candidate).toString();
      } catch (IOException e) {
        throw new ClientException("cannot read the symlink " + candidate + ": " + e.getMessage(), e);
      }
      if (target.startsWith("/")) {
        done.clear();
      }
      String[] parts = target.split("/");
      for (int i = parts.length - 1; i >= 0; i--) {
        todo.addFirst(parts[i]);
      }
    }
    return join(root, done);
  }

  private static Path join(Path root, Deque<String> names) {
    Path p = root;
    for (String name : names) {
      p = p.resolve(name);
    }
    return p;
  }
}
