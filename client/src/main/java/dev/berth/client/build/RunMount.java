package dev.berth.client.build;

import dev.berth.client.containers.DockerfileWords;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * One {@code RUN --mount=…}, read as BuildKit's Dockerfile frontend reads it: comma-separated
 * fields, {@code type} bind (the default), cache or tmpfs, the stage's variables replaced in each
 * value, a relative target under the working directory. A bind is read-only unless {@code rw}; a
 * cache and a tmpfs writable unless {@code ro}. {@code secret} and {@code ssh} are refused: berthctl
 * build has no {@code --secret} or {@code --ssh} to feed them.
 */
record RunMount(String type, String target, String source, String from, boolean readOnly, String id, String sharing,
    int mode, int uid, int gid, String size) {
  private static final Set<String> SHARING = Set.of("shared", "private", "locked");

  /** @throws BuildStepException for what BuildKit's frontend refuses, in its words */
  static RunMount parse(String flag, String workdir, Function<String, String> variables) {
    String type = "bind";
    String target = null;
    String source = "";
    String from = null;
    Boolean readOnly = null;
    String id = null;
    String sharing = null;
    Integer mode = null;
    Integer uid = null;
    Integer gid = null;
    String size = null;
    for (String field : flag.split(",")) {
      int eq = field.indexOf('=');
      String key = (eq < 0 ? field : field.substring(0, eq)).toLowerCase(Locale.ROOT);
      if (eq < 0) {
        switch (key) {
          case "readonly", "ro" -> readOnly = true;
          case "readwrite", "rw" -> readOnly = false;
          default -> throw refused("invalid field '" + field + "' must be a key=value pair");
        }
        continue;
      }
      String value = DockerfileWords.word(field.substring(eq + 1), '\\', variables);
      switch (key) {
        case "type" -> {
          type = value.toLowerCase(Locale.ROOT);
          if (type.equals("secret") || type.equals("ssh")) {
            throw refused("RUN --mount=type=" + type + " is not supported by berthctl build, which has no --"
                + type + " to give it");
          }
          if (!Set.of("bind", "cache", "tmpfs").contains(type)) {
            throw refused("unsupported mount type \"" + value + "\"");
          }
        }
        case "from" -> from = value;
        case "source", "src" -> source = value;
        case "target", "dst", "destination" -> target = value;
        case "readonly", "ro", "readwrite", "rw" -> {
          if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
            throw refused("invalid value for " + key + ": " + value);
          }
          readOnly = value.equalsIgnoreCase("true") == (key.equals("readonly") || key.equals("ro"));
        }
        case "id" -> id = value;
        case "sharing" -> {
          if (!SHARING.contains(value)) {
            throw refused("unsupported sharing value \"" + value + "\"");
          }
          sharing = value;
        }
        case "mode" -> mode = number(value, 8, "invalid value " + value + " for mode");
        case "uid" -> uid = number(value, 10, "invalid value " + value + " for uid");
        case "gid" -> gid = number(value, 10, "invalid value " + value + " for gid");
        case "size" -> size = value;
        default -> throw refused("unexpected key '" + key + "' in '" + field + "'");
      }
    }
    if (!type.equals("cache") && (mode != null || uid != null || gid != null)) {
      throw refused((mode != null ? "mode" : uid != null ? "uid" : "gid") + " not allowed for \"" + type
          + "\" type mounts");
    }
    if (sharing != null && !type.equals("cache")) {
      throw refused("invalid cache sharing set for " + type + " mount");
    }
    if (size != null && !type.equals("tmpfs")) {
      throw refused("unexpected key 'size' for mount type '" + type + "'");
    }
    if (type.equals("tmpfs") && (from != null || !source.isEmpty())) {
      throw refused("a tmpfs mount takes neither from nor source");
    }
    if (target == null || target.isEmpty()) {
      throw refused("mount destination not set: RUN --mount needs target=PATH");
    }
    target = Path.of("/").resolve(workdir).resolve(target).normalize().toString();
    return new RunMount(type, target, source, from, readOnly != null ? readOnly : type.equals("bind"),
        id == null || id.isEmpty() ? target : id, sharing == null ? "shared" : sharing, mode == null ? 0755 : mode,
        uid == null ? 0 : uid, gid == null ? 0 : gid, size);
  }

  private static int number(String value, int radix, String message) {
    try {
      return Integer.parseUnsignedInt(value, radix);
    } catch (NumberFormatException e) {
      throw refused(message);
    }
  }

  private static BuildStepException refused(String message) {
    return new BuildStepException(message, 1);
  }

  /** The mount as RUN's history shows it, which is part of the step's cache key. */
  String describe() {
    StringBuilder d = new StringBuilder("--mount=type=" + type + ",target=" + target);
    if (from != null) {
      d.append(",from=").append(from);
    }
    if (!source.isEmpty()) {
      d.append(",source=").append(source);
    }
    if (type.equals("cache")) {
      d.append(",id=").append(id).append(",sharing=").append(sharing)
          .append(",mode=").append(Integer.toOctalString(mode)).append(",uid=").append(uid).append(",gid=").append(gid);
    }
    if (size != null) {
      d.append(",size=").append(size);
    }
    return d.append(readOnly == type.equals("bind") ? "" : readOnly ? ",ro" : ",rw").toString();
  }
}
