package dev.berth.client.spec;

import dev.berth.client.ClientException;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.InRoot;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
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
   * {@code path} inside {@code root}, every symlink on the way resolved against {@code root} as
   * the container would resolve it ({@link InRoot#canonical}: read through descriptors, an
   * absolute target or {@code ..} above the top staying inside {@code root}).
   */
  static Path pathInside(Path root, String path) {
    try (InRoot inRoot = InRoot.open(root)) {
      return root.resolve(inRoot.canonical(path, true).substring(1));
    } catch (ErrnoException e) {
      if (e.errno() == ErrnoException.ENOENT) {
        // no root there (yet): nothing in it is a symlink
        return root.resolve(path.replaceFirst("^/+", ""));
      }
      if (e.errno() == ErrnoException.ELOOP) {
        throw new ClientException(path + " in the image goes through more than " + MAX_SYMLINKS + " symlinks");
      }
      throw new ClientException("cannot resolve " + path + " in the image at " + root + ": " + e.getMessage(), e);
    }
  }
}
