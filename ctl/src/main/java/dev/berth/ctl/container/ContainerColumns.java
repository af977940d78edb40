package dev.berth.ctl.container;

import com.google.protobuf.Any;
import containerd.services.containers.v1.Container;
import dev.berth.api.Digests;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.InitProcess;
import dev.berth.client.health.HealthState;
import dev.berth.client.images.ImageNames;
import dev.berth.client.spec.SpecJson;
import dev.berth.ctl.output.Durations;
import dev.berth.ctl.output.JsonPaths;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** The columns Docker shows of a container wherever it lists them ({@code ps}, {@code system df -v}). */
public final class ContainerColumns {
  private static final int COMMAND_WIDTH = 20;
  private static final int SHORT_ID = 12;

  private ContainerColumns() {}

  /** The image as the user named it, as docker shows it; the record's image for other clients' records. */
  public static String image(Container record) {
    Any config = record.getExtensionsMap().get(ContainerConfig.EXTENSION);
    String given = config == null ? "" : JsonPaths.text(config.getValue().toByteArray(), "", "Config", "Image");
    return !given.isEmpty() ? given : record.getImage().isEmpty() ? "" : ImageNames.familiar(record.getImage());
  }

  /**
   * Docker's ps IMAGE: the name the container was created through while that name still is its
   * image; once it is untagged or names another image, the image's id recorded at create (short
   * when {@code truncate}).
   *
   * @param idByName each image record's name to its image id
   */
  public static String image(Container record, Map<String, String> idByName, boolean truncate) {
    String given = image(record);
    Any config = record.getExtensionsMap().get(ContainerConfig.EXTENSION);
    String id = config == null ? "" : JsonPaths.text(config.getValue().toByteArray(), "", "Image");
    if (id.isEmpty() || given.isEmpty() || namesImage(given, id, idByName)) {
      return given;
    }
    String hex = id.substring(id.indexOf(':') + 1);
    return truncate ? hex.substring(0, Math.min(SHORT_ID, hex.length())) : id;
  }

  /** Whether {@code given}, a name or an id as {@code run} took it, is the image of id {@code id}. */
  private static boolean namesImage(String given, String id, Map<String, String> idByName) {
    String hex = given.startsWith(Digests.SHA256_PREFIX) ? given.substring(Digests.SHA256_PREFIX.length()) : given;
    if (hex.matches("[0-9a-f]{1,64}") && id.startsWith(Digests.SHA256_PREFIX + hex)) {
      return true;
    }
    return ImageNames.isValid(given) && id.equals(idByName.get(ImageNames.normalize(given)));
  }

  /** docker's COMMAND: quoted, and with {@code truncate} cut to 20 characters. */
  public static String command(Container record, boolean truncate) {
    String command = command(record);
    if (truncate && command.length() > COMMAND_WIDTH) {
      command = command.substring(0, COMMAND_WIDTH - 1) + "…";
    }
    return quote(command);
  }

  /**
   * The process's command line; empty for a record whose spec berthctl cannot read. Picked from
   * the spec's JSON with the streaming parser: binding the whole OCI spec to its classes cost ps
   * ~30 ms of reflection, and Jackson's tree model its data binding.
   */
  static String command(Container record) {
    if (!SpecJson.TYPE_URL.equals(record.getSpec().getTypeUrl())) {
      return "";
    }
    List<String> args = InitProcess.userCommand(
        JsonPaths.strings(record.getSpec().getValue().toByteArray(), "process", "args"));
    // as Docker's daemon writes it: the arguments after the program in single quotes when they hold a space
    StringBuilder command = new StringBuilder();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      command.append(i == 0 ? "" : " ").append(i > 0 && arg.contains(" ") ? "'" + arg + "'" : arg);
    }
    return command.toString();
  }

  /**
   * As Go's strconv.Quote quotes text: a backslash and a double quote escaped, control characters
   * as Go's escapes, so a command holding a newline stays on its row.
   */
  static String quote(String text) {
    StringBuilder quoted = new StringBuilder("\"");
    text.codePoints().forEach(c -> {
      switch (c) {
        case '"' -> quoted.append("\\\"");
        case '\\' -> quoted.append("\\\\");
        case '\n' -> quoted.append("\\n");
        case '\t' -> quoted.append("\\t");
        case '\r' -> quoted.append("\\r");
        case 0x07 -> quoted.append("\\a");
        case '\b' -> quoted.append("\\b");
        case '\f' -> quoted.append("\\f");
        case 0x0b -> quoted.append("\\v");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            quoted.append(String.format("\\x%02x", c));
          } else if (Character.isISOControl(c)) {
            quoted.append(String.format("\\u%04x", c));
          } else {
            quoted.appendCodePoint(c);
          }
        }
      }
    });
    return quoted.append('"').toString();
  }

  /**
   * docker ps's STATUS: "Up 3 minutes", "Up 2 hours (Paused)", "Restarting (1) 2 seconds ago",
   * "Exited (3) 2 seconds ago", "Created".
   */
  public static String status(ContainerState s, Instant now) {
    if (s.running()) {
      String up = s.startedAt().map(at -> "Up " + Durations.human(java.time.Duration.between(at, now))).orElse("Up");
      if (s.paused()) {
        return up + " (Paused)";
      }
      String health = health(s);
      return switch (health) {
        case "none" -> up;
        case HealthState.STARTING -> up + " (health: starting)";
        default -> up + " (" + health + ")";
      };
    }
    if (s.restarting()) {
      return "Restarting (" + s.exitCode() + ")" + s.finishedAt().map(f -> " " + Durations.ago(f, now)).orElse("");
    }
    if (s.exited() || s.ranBefore()) {
      return "Exited (" + s.exitCode() + ")" + s.finishedAt().map(f -> " " + Durations.ago(f, now)).orElse("");
    }
    return "Created";
  }

  /**
   * Docker's health status: {@code none} without a check, else the monitor's verdict
   * ({@code starting} before any). Picked with the streaming parser, as {@link #command} is:
   * binding the records' JSON would cost every ps with a running container Jackson's mapper.
   */
  static String health(ContainerState s) {
    Any config = s.record().getExtensionsMap().get(ContainerConfig.EXTENSION);
    List<String> test = config == null ? List.of()
        : JsonPaths.strings(config.getValue().toByteArray(), "Config", "Healthcheck", "Test");
    if (test.isEmpty() || test.get(0).equals("NONE")) {
      return "none";
    }
    Any state = s.record().getExtensionsMap().get(HealthState.EXTENSION);
    String status = state == null ? "" : JsonPaths.text(state.getValue().toByteArray(), "", "Status");
    return status.isEmpty() ? HealthState.STARTING : status;
  }
}
