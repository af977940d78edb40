package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import java.nio.file.Path;

/**
 * A mount a user asked for with {@code -v}, {@code --tmpfs} or {@code --mount}, before the host
 * side is known for volumes.
 */
public sealed interface MountRequest permits VolumeSpec, TmpfsSpec {
  /** The absolute, normalized path inside the container. */
  String target();

  /** A path inside the container: absolute, normalized, not the root. */
  static String containerPath(String what, String text, String path) {
    if (!path.startsWith("/")) {
      throw InvalidValueException.of(what, text, "the container path \"" + path + "\" is not absolute");
    }
    String clean = Path.of(path).normalize().toString();
    if (clean.equals("/")) {
      throw InvalidValueException.of(what, text, "the container path cannot be /");
    }
    return clean;
  }
}
