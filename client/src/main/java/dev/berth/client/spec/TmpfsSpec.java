package dev.berth.client.spec;

import dev.berth.api.InvalidValueException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A tmpfs as Docker's {@code --tmpfs PATH[:OPTIONS]} gives it. Like Docker it is
 * {@code noexec,nosuid,nodev} unless the options say otherwise; options are tmpfs's own
 * ({@code size=64m}, {@code mode=1777}, {@code uid=}, {@code gid=}, {@code nr_inodes=}) and the
 * usual mount flags ({@code ro}, {@code exec}, {@code noatime}, ...).
 */
public record TmpfsSpec(String target, List<String> options) implements MountRequest {
  private static final List<String> DEFAULTS = List.of("noexec", "nosuid", "nodev");
  private static final Set<String> FLAGS = Set.of("ro", "rw", "exec", "noexec", "suid", "nosuid", "dev", "nodev",
      "sync", "async", "dirsync", "atime", "noatime", "diratime", "nodiratime", "relatime", "norelatime",
      "strictatime", "nostrictatime", "mand", "nomand");
  private static final Set<String> KEYS = Set.of("size", "mode", "uid", "gid", "nr_inodes", "nr_blocks", "mpol");

  public TmpfsSpec {
    options = List.copyOf(options);
  }

  public static TmpfsSpec parse(String text) {
    int colon = text.indexOf(':');
    String path = colon < 0 ? text : text.substring(0, colon);
    List<String> options = colon < 0 || colon == text.length() - 1 ? List.of()
        : List.of(text.substring(colon + 1).split(",", -1));
    return of(text, path, options);
  }

  /** A tmpfs at {@code path} with {@code options} on top of the defaults; {@code text} names it in errors. */
  static TmpfsSpec of(String text, String path, List<String> options) {
    // keyed by what an option decides, so "exec" replaces the default "noexec"
    Map<String, String> merged = new LinkedHashMap<>();
    for (String option : DEFAULTS) {
      merged.put(decides(option), option);
    }
    for (String option : options) {
      int equals = option.indexOf('=');
      if (equals < 0 ? !FLAGS.contains(option) : !KEYS.contains(option.substring(0, equals))) {
        throw InvalidValueException.of("tmpfs", text, "unknown option \"" + option + "\"");
      }
      if (equals >= 0) {
        checkValue(text, option.substring(0, equals), option.substring(equals + 1));
      }
      merged.put(decides(option), option);
    }
    return new TmpfsSpec(MountRequest.containerPath("tmpfs", text, path), new ArrayList<>(merged.values()));
  }

  private static String decides(String option) {
    int equals = option.indexOf('=');
    if (equals >= 0) {
      return option.substring(0, equals);
    }
    if (option.equals("ro") || option.equals("rw")) {
      return "rw";
    }
    return option.startsWith("no") && FLAGS.contains(option.substring(2)) ? option.substring(2) : option;
  }

  private static void checkValue(String text, String key, String value) {
    boolean ok = switch (key) {
      case "size" -> value.matches("\\d+[kmgKMG]?|\\d{1,3}%");
      case "mode" -> value.matches("[0-7]{1,4}");
      case "uid", "gid" -> value.matches("\\d+");
      case "nr_inodes", "nr_blocks" -> value.matches("\\d+[kmgKMG]?");
      default -> !value.isEmpty();
    };
    if (!ok) {
      throw InvalidValueException.of("tmpfs", text, "bad value for " + key + ": \"" + value + "\"");
    }
  }

  public Spec.Mount mount() {
    return new Spec.Mount(target, "tmpfs", "tmpfs", options);
  }
}
