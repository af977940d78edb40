package dev.berth.ctl.events;

import dev.berth.client.images.ImageNames;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * containerd's event topics in Docker's words. Task and container topics become container events
 * (start, die with its exitCode, oom, pause, unpause, exec_create, exec_start, exec_die, create,
 * destroy, and from Berth's client library kill with its signal, stop, restart, rename with the
 * oldName, update, attach); image topics image events (tag, untag); the network and volume topics Berth's
 * services publish network events (create, connect, disconnect, destroy) and volume events
 * (create, destroy); the prunes' topics Berth's client library publishes Docker's container,
 * network and volume prune, which name no object, only what they freed ({@code reclaimed}). {@code /tasks/create} and {@code /tasks/delete} are containerd's steps
 * inside Docker's start and destroy, and
 * {@code /containers/update} reports every change of a container's record (Berth's bookkeeping
 * labels at each start and stop too): none of them is a Docker event. Docker's update is
 * {@code /containers/update-resources}. Berth's other topics (snapshot, content, namespaces) keep
 * their own words: type {@code snapshot}, action {@code prepare}; Docker has no such types, so
 * they show only where a {@code type=} filter names them ({@link #dockerType}).
 */
public final class DockerEvents {
  private static final Map<String, String> TASK_ACTIONS = Map.of(
      "start", "start", "exit", "die", "oom", "oom", "paused", "pause", "resumed", "unpause",
      "exec-added", "exec_create", "exec-started", "exec_start", "checkpointed", "checkpoint");
  private static final Map<String, String> CONTAINER_ACTIONS = Map.of(
      "create", "create", "delete", "destroy", "kill", "kill", "stop", "stop", "restart", "restart",
      "rename", "rename", "update-resources", "update");
  /** A name's removal is Docker's untag; its image's delete, once no name is left, {@link #imageDeleted}. */
  private static final Map<String, String> IMAGE_ACTIONS = Map.of(
      "create", "tag", "update", "tag", "delete", "untag");
  /** Berth's network and volume topics, which its services publish, as Docker's actions. */
  private static final Map<String, String> NETWORK_VOLUME_ACTIONS = Map.of(
      "create", "create", "delete", "destroy", "connect", "connect", "disconnect", "disconnect");

  /** The topics' kinds whose prunes Docker's daemon reports, as the Docker types they are. */
  private static final Map<String, String> PRUNED_TYPES = Map.of("containers", "container", "networks", "network",
      "volumes", "volume");

  private DockerEvents() {}

  /** Whether Docker has events of {@code type}: those of other types are Berth's own. */
  public static boolean dockerType(String type) {
    return type.equals("container") || type.equals("image") || type.equals("network") || type.equals("volume");
  }

  /**
   * The Docker event of a containerd event, if it has one.
   *
   * @param topic like {@code /tasks/exit}
   * @param fields the event message's scalar fields by their proto names ({@code container_id},
   *     {@code exit_status}, ...)
   * @param container a container's attributes by its id (name, image, its labels), empty if unknown
   * @param image the id of the image a name names ({@code sha256:…}, as {@code image inspect} gives
   *     it), the name itself if unknown (removed since)
   */
  public static Optional<DockerEvent> of(String topic, Map<String, Object> fields, Instant time,
      Function<String, Map<String, String>> container, UnaryOperator<String> image) {
    String[] parts = topic.substring(topic.startsWith("/") ? 1 : 0).split("/");
    String kind = parts[0];
    String last = parts[parts.length - 1];
    Map<String, String> attributes = new TreeMap<>();
    if (last.equals("prune") && PRUNED_TYPES.containsKey(kind)) {
      // Docker's prune events name no object, only the space freed (always 0 for networks)
      attributes.put("reclaimed", kind.equals("networks") || text(fields, "reclaimed").isEmpty() ? "0"
          : text(fields, "reclaimed"));
      return Optional.of(new DockerEvent(PRUNED_TYPES.get(kind), "prune", "", new TreeMap<>(attributes), time));
    }
    switch (kind) {
      case "tasks" -> {
        String action = TASK_ACTIONS.get(last);
        if (action == null) {
          return Optional.empty();
        }
        String id = text(fields, "container_id");
        attributes.putAll(container.apply(id));
        String execId = text(fields, last.startsWith("exec") ? "exec_id" : "id");
        if (last.equals("exit")) {
          attributes.put("exitCode", text(fields, "exit_status").isEmpty() ? "0" : text(fields, "exit_status"));
          if (!execId.isEmpty() && !execId.equals(id)) {
            action = "exec_die";
          }
        }
        if (action.startsWith("exec_")) {
          attributes.put("execID", execId);
          action += command(fields.get("args"));
        }
        return Optional.of(new DockerEvent("container", action, id, new TreeMap<>(attributes), time));
      }
      case "containers" -> {
        if (last.equals("update")) {
          return Optional.empty();
        }
        String id = text(fields, "id");
        attributes.putAll(container.apply(id));
        switch (last) {
          case "kill" -> attributes.put("signal", text(fields, "signal"));
          // Docker's names of containers start with a slash, as in its rename event
          case "rename" -> {
            attributes.put("name", text(fields, "name"));
            attributes.put("oldName", "/" + text(fields, "old_name"));
          }
          default -> { }
        }
        if (!attributes.containsKey("image") && !text(fields, "image").isEmpty()) {
          attributes.put("image", text(fields, "image"));
        }
        // docker's action carries the verdict: "health_status: healthy"
        String action = last.equals("health_status") ? "health_status: " + text(fields, "status")
            : CONTAINER_ACTIONS.getOrDefault(last, last);
        return Optional.of(new DockerEvent("container", action, id, new TreeMap<>(attributes), time));
      }
      // Docker's: a network by its id with its name and type, and the container it connects
      case "networks" -> {
        attributes.put("name", text(fields, "name"));
        attributes.put("type", text(fields, "driver"));
        if (!text(fields, "container_id").isEmpty()) {
          attributes.put("container", text(fields, "container_id"));
        }
        return Optional.of(new DockerEvent("network", NETWORK_VOLUME_ACTIONS.getOrDefault(last, last),
            text(fields, "id"), new TreeMap<>(attributes), time));
      }
      case "volumes" -> {
        attributes.put("driver", text(fields, "driver"));
        return Optional.of(new DockerEvent("volume", NETWORK_VOLUME_ACTIONS.getOrDefault(last, last),
            text(fields, "name"), new TreeMap<>(attributes), time));
      }
      case "images" -> {
        // as Docker's daemon logs a tag: by the image's id, named as people write the name
        String name = text(fields, "name");
        attributes.put("name", ImageNames.familiar(name));
        return Optional.of(new DockerEvent("image", IMAGE_ACTIONS.getOrDefault(last, last), image.apply(name),
            new TreeMap<>(attributes), time));
      }
      default -> {
        String id = firstOf(fields, "key", "digest", "name", "id");
        fields.forEach((k, v) -> {
          if (!k.equals("key") && !k.equals("digest") && !k.equals("name") && !k.equals("id")) {
            attributes.put(k, String.valueOf(v));
          }
        });
        String type = kind.endsWith("s") ? kind.substring(0, kind.length() - 1) : kind;
        return Optional.of(new DockerEvent(type, last, id, new TreeMap<>(attributes), time));
      }
    }
  }

  /**
   * Docker's tail of exec_create and exec_start: {@code ": sh -c echo hi"}, the program, a space
   * and its arguments (so a bare {@code sh} has a trailing space, as Docker's); nothing for an
   * event that names no command (exec_die, or a berthd that sends none).
   */
  private static String command(Object args) {
    if (!(args instanceof List<?> list) || list.isEmpty()) {
      return "";
    }
    return ": " + list.get(0) + " " + list.stream().skip(1).map(String::valueOf).collect(Collectors.joining(" "));
  }

  private static String text(Map<String, Object> fields, String name) {
    Object value = fields.get(name);
    return value == null ? "" : String.valueOf(value);
  }

  private static String firstOf(Map<String, Object> fields, String... names) {
    for (String name : names) {
      if (!text(fields, name).isEmpty()) {
        return text(fields, name);
      }
    }
    return "";
  }

  /**
   * Docker's delete of an image whose last name went: by its id, named by it too, as Docker's
   * daemon (with containerd's image store) logs it after the untag.
   */
  public static DockerEvent imageDeleted(String id, Instant time) {
    return new DockerEvent("image", "delete", id, new TreeMap<>(Map.of("name", id)), time);
  }
}
