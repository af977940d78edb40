package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * Docker's {@code --mount} value: comma-separated {@code key=value} fields, read as a line of CSV
 * as Docker reads it (a field in double quotes may hold commas; {@code ""} in it is a quote).
 * <ul>
 *   <li>{@code type=bind|volume|tmpfs} (volume if absent);
 *   <li>{@code source}/{@code src}: the host path of a bind (absolute, or relative to the CLI's
 *       working directory), the name of a volume
 *       (none: anonymous); {@code target}/{@code destination}/{@code dst}: the container path;
 *   <li>{@code readonly}/{@code ro} (alone, or {@code =true|false|1|0}); {@code bind-propagation};
 *   <li>{@code volume-nocopy} (like {@code readonly}): an empty volume is not seeded from the image;
 *   <li>{@code volume-opt=KEY=VALUE} (repeatable): the local driver's options of a volume it creates;
 *   <li>{@code volume-label=KEY=VALUE} (repeatable): the labels of a volume it creates;
 *   <li>{@code volume-driver}: {@code local}, the only driver there is;
 *   <li>{@code tmpfs-size} (a size such as 64m) and {@code tmpfs-mode} (octal).
 * </ul>
 */
public final class MountFlag {
  private static final String LOCAL_DRIVER = "local";

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
    Map<String, String> volumeLabels = new LinkedHashMap<>();
    boolean driverGiven = false;
    for (String field : csvFields(text)) {
      int equals = field.indexOf('=');
      String key = (equals < 0 ? field : field.substring(0, equals)).toLowerCase(Locale.ROOT);
      String value = equals < 0 ? null : field.substring(equals + 1);
      switch (key) {
        case "type" -> type = required(text, key, value);
        case "source", "src" -> source = VolumeSpec.hostPath(required(text, key, value), workingDirectory);
        case "target", "destination", "dst" -> target = required(text, key, value);
        case "readonly", "ro" -> readOnly = bool(text, key, value);
        case "volume-nocopy" -> noCopy = bool(text, key, value);
        case "volume-opt" -> keyValue(text, key, value, "type=tmpfs", volumeOptions);
        case "volume-label" -> keyValue(text, key, value, "team=web", volumeLabels);
        case "volume-driver" -> {
          if (!required(text, key, value).equals(LOCAL_DRIVER)) {
            throw InvalidValueException.of("mount", text, "volume-driver \"" + value
                + "\": local is the only volume driver berthd has");
          }
          driverGiven = true;
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
        if (noCopy || !volumeOptions.isEmpty() || !volumeLabels.isEmpty() || driverGiven) {
          throw InvalidValueException.of("mount", text,
              "volume-nocopy, volume-opt, volume-label and volume-driver need type=volume");
        }
        return bindOrVolume(text, VolumeSpec.Kind.BIND, source, target, readOnly, propagation, tmpfsOptions, false,
            Map.of(), Map.of());
      }
      case "volume" -> {
        VolumeSpec.Kind kind = source.isEmpty() ? VolumeSpec.Kind.ANONYMOUS : VolumeSpec.kindOf(text, source);
        if (kind == VolumeSpec.Kind.BIND) {
          throw InvalidValueException.of("mount", text, "a volume's source is a name, not a path (use type=bind)");
        }
        return bindOrVolume(text, kind, source, target, readOnly, propagation, tmpfsOptions, noCopy, volumeOptions,
            volumeLabels);
      }
      case "tmpfs" -> {
        if (!source.isEmpty() || propagation != null || noCopy || !volumeOptions.isEmpty() || !volumeLabels.isEmpty()
            || driverGiven) {
          throw InvalidValueException.of("mount", text,
              "a tmpfs takes neither source, bind-propagation nor the volume-* fields");
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
      Map<String, String> volumeOptions, Map<String, String> volumeLabels) {
    if (!tmpfsOptions.isEmpty()) {
      throw InvalidValueException.of("mount", text, "tmpfs options need type=tmpfs");
    }
    return new VolumeSpec(kind, source, MountRequest.containerPath("mount", text, target), readOnly,
        propagation == null ? VolumeSpec.DEFAULT_PROPAGATION : propagation, noCopy, volumeOptions, volumeLabels);
  }

  /** {@code value}, {@code KEY=VALUE}, into {@code into}; {@code example} shows what one looks like. */
  private static void keyValue(String text, String key, String value, String example, Map<String, String> into) {
    String pair = required(text, key, value);
    int at = pair.indexOf('=');
    if (at <= 0) {
      throw InvalidValueException.of("mount", text, key + " is KEY=VALUE, like " + key + "=" + example);
    }
    into.put(pair.substring(0, at), pair.substring(at + 1));
  }

  /** The fields of {@code text} as Go's encoding/csv reads one line, which Docker's CLI parses --mount with. */
  static List<String> csvFields(String text) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    int i = 0;
    while (true) {
      if (i < text.length() && text.charAt(i) == '"') {
        i++;
        while (true) {
          if (i >= text.length()) {
            throw InvalidValueException.of("mount", text, "a quoted field has no closing \"");
          }
          char c = text.charAt(i++);
          if (c != '"') {
            field.append(c);
          } else if (i < text.length() && text.charAt(i) == '"') {
            field.append('"');
            i++;
          } else {
            break;
          }
        }
        if (i < text.length() && text.charAt(i) != ',') {
          throw InvalidValueException.of("mount", text, "extraneous \" in a field: quote the whole field");
        }
      } else {
        while (i < text.length() && text.charAt(i) != ',') {
          char c = text.charAt(i++);
          if (c == '"') {
            throw InvalidValueException.of("mount", text, "bare \" in a field: quote the whole field, doubling it");
          }
          field.append(c);
        }
      }
      fields.add(field.toString());
      field.setLength(0);
      if (i >= text.length()) {
        return fields;
      }
      i++;
    }
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
