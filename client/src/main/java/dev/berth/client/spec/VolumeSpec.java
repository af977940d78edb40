package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import dev.berth.api.VolumeNames;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A bind mount or volume as Docker's {@code -v} gives it: {@code HOST_PATH:CONTAINER_PATH[:OPTIONS]}
 * binds a host path, {@code NAME:CONTAINER_PATH[:OPTIONS]} mounts the named volume,
 * {@code CONTAINER_PATH} an anonymous one. Options: {@code ro} or {@code rw}, and one propagation
 * mode ({@code rprivate}, the default, {@code private}, {@code rshared}, {@code shared},
 * {@code rslave}, {@code slave}), and for a volume {@code nocopy}.
 *
 * @param source the host path of a bind, the volume's name, or empty for an anonymous volume to
 *     make (an anonymous volume {@code --volumes-from} brings keeps its name)
 * @param noCopy Docker's {@code nocopy}: an empty volume is not seeded from the image
 * @param driverOptions {@code --mount}'s {@code volume-opt}s: the local driver's options of a volume it creates
 * @param volumeLabels {@code --mount}'s {@code volume-label}s: the labels of a volume it creates
 */
public record VolumeSpec(Kind kind, String source, String target, boolean readOnly, String propagation,
    boolean noCopy, Map<String, String> driverOptions, Map<String, String> volumeLabels) implements MountRequest {
  public enum Kind { BIND, NAMED, ANONYMOUS }

  public static final String DEFAULT_PROPAGATION = "rprivate";
  private static final String NO_COPY = "nocopy";
  static final Set<String> PROPAGATIONS = Set.of("private", "rprivate", "shared", "rshared", "slave", "rslave");

  public VolumeSpec {
    driverOptions = Map.copyOf(driverOptions);
    volumeLabels = Map.copyOf(volumeLabels);
  }

  /** A mount that seeds an empty volume from the image, as Docker does by default. */
  public VolumeSpec(Kind kind, String source, String target, boolean readOnly, String propagation) {
    this(kind, source, target, readOnly, propagation, false);
  }

  /** A mount of a volume made without driver options or labels (or already there). */
  public VolumeSpec(Kind kind, String source, String target, boolean readOnly, String propagation, boolean noCopy) {
    this(kind, source, target, readOnly, propagation, noCopy, Map.of(), Map.of());
  }

  /** {@link #parse(String, Path)} with relative host paths refused. */
  public static VolumeSpec parse(String text) {
    return parse(text, null);
  }

  /**
   * Parses {@code -v}'s value; a source starting with '.' ({@code .}, {@code ./x}, {@code ../x}) is
   * a host path relative to {@code workingDirectory}, as Docker's CLI takes it against its own,
   * and refused without one.
   */
  public static VolumeSpec parse(String text, Path workingDirectory) {
    String[] parts = text.split(":", -1);
    return switch (parts.length) {
      case 1 -> new VolumeSpec(Kind.ANONYMOUS, "", MountRequest.containerPath("volume", text, parts[0]), false,
          DEFAULT_PROPAGATION);
      case 2 -> {
        if (isOptions(parts[1])) {
          throw InvalidValueException.of("volume", text, "an anonymous volume takes no options");
        }
        yield of(text, hostPath(parts[0], workingDirectory), parts[1], "");
      }
      case 3 -> of(text, hostPath(parts[0], workingDirectory), parts[1], parts[2]);
      default -> throw InvalidValueException.of("volume", text, "expected SOURCE:CONTAINER_PATH[:OPTIONS]");
    };
  }

  private static VolumeSpec of(String text, String source, String target, String options) {
    boolean readOnly = false;
    String propagation = null;
    boolean accessGiven = false;
    boolean noCopy = false;
    for (String option : options.isEmpty() ? new String[0] : options.split(",", -1)) {
      if (option.equals(NO_COPY)) {
        noCopy = true;
      } else if (option.equals("ro") || option.equals("rw")) {
        if (accessGiven) {
          throw InvalidValueException.of("volume", text, "ro and rw given more than once");
        }
        accessGiven = true;
        readOnly = option.equals("ro");
      } else if (option.equals("z") || option.equals("Z")) {
        // SELinux relabelling, as Docker takes it: nothing to relabel on a host without SELinux
        continue;
      } else if (PROPAGATIONS.contains(option)) {
        if (propagation != null) {
          throw InvalidValueException.of("volume", text, "more than one propagation mode");
        }
        propagation = option;
      } else {
        throw InvalidValueException.of("volume", text, "unknown option \"" + option
            + "\" (ro, rw, nocopy, z, Z, or a propagation mode such as rshared)");
      }
    }
    Kind kind = kindOf(text, source);
    if (noCopy && kind == Kind.BIND) {
      throw InvalidValueException.of("volume", text, "nocopy is an option of volumes, not of bind mounts");
    }
    return new VolumeSpec(kind, source, MountRequest.containerPath("volume", text, target),
        readOnly, propagation == null ? DEFAULT_PROPAGATION : propagation, noCopy);
  }

  /** {@code source} made absolute against {@code workingDirectory} if it is a relative path (and there is one). */
  static String hostPath(String source, Path workingDirectory) {
    return workingDirectory != null && source.startsWith(".")
        ? workingDirectory.resolve(source).normalize().toString() : source;
  }

  static Kind kindOf(String text, String source) {
    if (source.startsWith("/")) {
      return Kind.BIND;
    }
    if (!VolumeNames.isValid(source)) {
      throw InvalidValueException.of("volume", text, "\"" + source + "\" is neither an absolute host path nor a "
          + "volume name (" + VolumeNames.RULE + ")");
    }
    return Kind.NAMED;
  }


  private static boolean isOptions(String text) {
    for (String option : text.split(",", -1)) {
      if (!option.equals("ro") && !option.equals("rw") && !PROPAGATIONS.contains(option)) {
        return false;
      }
    }
    return true;
  }

  /** The bind mount of a {@link Kind#BIND} spec's host path. */
  public Spec.Mount bindMount() {
    if (kind != Kind.BIND) {
      throw new IllegalStateException("volume " + (source.isEmpty() ? target : source) + " needs its host directory");
    }
    return mountOf(source);
  }

  /** The bind mount of a volume whose data the caller keeps in {@code hostDir}. */
  public Spec.Mount volumeMount(Path hostDir) {
    if (kind == Kind.BIND) {
      throw new IllegalStateException(source + " is a host path, not a volume");
    }
    return mountOf(hostDir.toString());
  }

  private Spec.Mount mountOf(String hostPath) {
    List<String> options = new ArrayList<>(List.of("rbind", readOnly ? "ro" : "rw", propagation));
    return new Spec.Mount(target, "bind", hostPath, options);
  }
}
