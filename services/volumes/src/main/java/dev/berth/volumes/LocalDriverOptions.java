package dev.berth.volumes;

import dev.berth.api.grpc.Errors;
import dev.berth.linux.MountSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Docker's local driver options: {@code type}, {@code device} and {@code o}, the file system
 * mounted on the volume's data directory as {@code mount -t TYPE -o O DEVICE} would mount it;
 * {@code type=none o=bind device=/host/path} binds a host directory there.
 */
record LocalDriverOptions(String type, String device, List<String> o) {
  private static final Set<String> KEYS = Set.of("type", "device", "o");

  /** No options: a plain directory. INVALID_ARGUMENT for what the local driver could not mount. */
  static Optional<LocalDriverOptions> parse(String volume, Map<String, String> options) {
    if (options.isEmpty()) {
      return Optional.empty();
    }
    for (String key : options.keySet()) {
      if (!KEYS.contains(key)) {
        throw Errors.invalidArgument("volume %s: unknown driver option \"%s\": the local driver takes type, device "
            + "and o", volume, key);
      }
    }
    String type = options.getOrDefault("type", "");
    String device = options.getOrDefault("device", "");
    if (type.isEmpty() || device.isEmpty()) {
      throw Errors.invalidArgument("volume %s: driver options need both type and device, like type=tmpfs "
          + "device=tmpfs o=size=10m, or type=none o=bind device=/host/path", volume);
    }
    String o = options.getOrDefault("o", "");
    List<String> words = o.isEmpty() ? List.of() : List.of(o.split(",", -1));
    boolean bind = words.contains("bind") || words.contains("rbind");
    if (type.equals("none") && !bind) {
      throw Errors.invalidArgument("volume %s: type=none mounts nothing without o=bind", volume);
    }
    if (bind && !device.startsWith("/")) {
      throw Errors.invalidArgument("volume %s: the device of a bind is an absolute host path, not %s", volume, device);
    }
    return Optional.of(new LocalDriverOptions(type, device, words));
  }

  MountSpec mount() {
    return new MountSpec(type, device, o);
  }

  /** As {@code mount} would be typed, for messages. */
  String describe() {
    return "mount -t " + type + (o.isEmpty() ? "" : " -o " + String.join(",", o)) + " " + device;
  }
}
