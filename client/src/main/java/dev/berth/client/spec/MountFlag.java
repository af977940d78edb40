package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Docker's {@code --mount} value: comma-separated {@code key=value} fields.
 * <ul>
 *   <li>{@code type=bind|volume|tmpfs} (volume if absent);
 *   <li>{@code source}/{@code src}: the host path of a bind (absolute, or relative to the CLI's
 *       working directory), the name of a volume
 *       (none: anonymous); {@code target}/{@code destination}/{@code dst}: the container path;
 *   <li>{@code readonly}/{@code ro} (alone, or {@code =true|false|1|0}); {@code bind-propagation};
 *   <li>{@code volume-nocopy} (like {@code readonly}): an empty volume is not seeded from the image;
 *   <li>{@code volume-opt=KEY=VALUE} (repeatable): the local driver's options of a volume it creates;
 *   <li>{@code tmpfs-size} (a size such as 64m) and {@code tmpfs-mode} (octal).
 * </ul>
 */
public final class MountFlag {
  private MountFlag() {}

  /** {@link #parse(String, Path)} with relative sources refused. */
  public static MountRequest parse(String text) {
    return parse(text, null);
  }

  /**
   * Parses {@code --mount}'s value; a source starting with '.' is a host path relative to
   * {@code workingDirectory}, as Docker's CLI takes it against its own, and refused without one.
   */
  public static MountRequest parse(String text, Path workingDirectory) {
    String type = "volume";
    String source = "";
    String target = null;
    boolean readOnly = false;
    boolean noCopy = false;
    String propagation = null;
    List<String> tmpfsOptions = new ArrayList<>();
    Map<String, String> volumeOptions = new LinkedHashMap<>();
    for (String field : text.split(",", -1)) {
      int equals = field.indexOf('=');
      String key = (equals < 0 ? field : field.substring(0, equals)).toLowerCase(Locale.ROOT);
      String value = equals < 0 ? null : field.substring(equals + 1);
      switch (key) {
        case "type" -> type = required(text, key, value);
        case "source", "src" -> source = VolumeSpec.hostPath(required(text, key, value), workingDirectory);
        case "target", "destination", "dst" -> target = required(text, key, value);
        case "readonly", "ro" -> readOnly = bool(text, key, value);
        case "volume-nocopy" -> noCopy = bool(text, key, value);
        case "volume-opt" -> {
          String option = required(text, key, value);
          int at = option.indexOf('=');
          if (at <= 0) {
            throw InvalidValueException.of("mount", text, "volume-opt is KEY=VALUE, like volume-opt=type=tmpfs");
          }
          volumeOptions.put(option.substring(0, at), option.substring(at + 1));
        }
        case "bind-propagation" -> {
          propagation = required(text, key, value);
          if (!VolumeSpec.PROPAGATIONS.contains(propagation)) {
            throw InvalidValueException.of("mount", text, "unknown bind-propagation \"" + propagation + "\"");
          }
        }
        case "tmpfs-size" -> tmpfsOptions.add("size=" + ResourceFlags.bytes("tmpfs-size", required(text, key, value)));
        case "tmpfs-mode" -> tmpfsOptions.add("mode=" + required(text, key, value));
        default -> throw InvalidValueException.of("mount", text, "unknown field \"" + key + "\"");
      }
    }
    if (target == null) {
      throw InvalidValueException.of("mount", text, "target is missing");
    }
    switch (type) {
      case "bind" -> {
        if (!source.startsWith("/")) {
          throw InvalidValueException.of("mount", text, "a bind mount needs an absolute source path");
        }
        if (noCopy || !volumeOptions.isEmpty()) {
          throw InvalidValueException.of("mount", text, "volume-nocopy and volume-opt need type=volume");
        }
        return bindOrVolume(text, VolumeSpec.Kind.BIND, source, target, readOnly, propagation, tmpfsOptions, false,
            Map.of());
      }
      case "volume" -> {
        VolumeSpec.Kind kind = source.isEmpty() ? VolumeSpec.Kind.ANONYMOUS : VolumeSpec.kindOf(text, source);
        if (kind == VolumeSpec.Kind.BIND) {
          throw InvalidValueException.of("mount", text, "a volume's source is a name, not a path (use type=bind)");
        }
        return bindOrVolume(text, kind, source, target, readOnly, propagation, tmpfsOptions, noCopy, volumeOptions);
      }
      case "tmpfs" -> {
        if (!source.isEmpty() || propagation != null || noCopy || !volumeOptions.isEmpty()) {
          throw InvalidValueException.of("mount", text,
              "a tmpfs takes neither source, bind-propagation, volume-nocopy nor volume-opt");
        }
        if (readOnly) {
          tmpfsOptions.add("ro");
        }
        return TmpfsSpec.of(text, target, tmpfsOptions);
      }
      default -> throw InvalidValueException.of("mount", text, "unknown type \"" + type + "\" (bind, volume or tmpfs)");
    }
  }

  private static VolumeSpec bindOrVolume(String text, VolumeSpec.Kind kind, String source, String target,
      boolean readOnly, String propagation, List<String> tmpfsOptions, boolean noCopy,
      Map<String, String> volumeOptions) {
    if (!tmpfsOptions.isEmpty()) {
      throw InvalidValueException.of("mount", text, "tmpfs options need type=tmpfs");
    }
    return new VolumeSpec(kind, source, MountRequest.containerPath("mount", text, target), readOnly,
        propagation == null ? VolumeSpec.DEFAULT_PROPAGATION : propagation, noCopy, volumeOptions);
  }

  private static String required(String text, String key, String value) {
    if (value == null || value.isEmpty()) {
      throw InvalidValueException.of("mount", text, key + " needs a value");
    }
    return value;
  }

  private static boolean bool(String text, String key, String value) {
    if (value == null) {
      return true;
    }
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default -> throw InvalidValueException.of("mount", text, key + " is true or false, not \"" + value + "\"");
    };
  }
}
