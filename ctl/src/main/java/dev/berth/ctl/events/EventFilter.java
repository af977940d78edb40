package dev.berth.ctl.events;

import dev.berth.client.images.ImageNames;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Docker's {@code events --filter}, as its daemon matches events (daemon/events/filter.go):
 * values of one key are alternatives, except that every {@code label=} must match, and different
 * keys must all match. {@code type=} and {@code event=} name the type and the action exactly (the
 * action's beginning where one of the values is {@code health_status}, {@code exec_create} or
 * {@code exec_start}, whose actions go on after a colon); {@code container=}, {@code network=},
 * {@code volume=} (and Docker's other object keys) a prefix of the id or of the name any event
 * carries, whatever its type, as Docker's daemon matches them; {@code image=} a name (with or
 * without its tag) or an id; {@code label=KEY[=VALUE]}; {@code scope=local}. As Docker's daemon,
 * which checks no key, a key it does not know filters nothing.
 */
public final class EventFilter {
  /** The keys Docker's daemon matches by a prefix of the actor's id or name (its fuzzyMatchName). */
  private static final Set<String> BY_ID_OR_NAME = Set.of("container", "daemon", "plugin", "volume", "network",
      "service", "node", "secret", "config");
  /** The actions a filter naming one of them matches by their beginning (Docker's #25798). */
  private static final Set<String> ACTIONS_WITH_DETAILS = Set.of("health_status", "exec_create", "exec_start");
  /** A single daemon's events: Docker's scope for them. */
  private static final String SCOPE = "local";

  /** The values of each key, each once, as Docker's filters hold them. */
  private final Map<String, Set<String>> byKey;

  private EventFilter(Map<String, Set<String>> byKey) {
    this.byKey = byKey;
  }

  /** Filters as typed ({@code KEY=VALUE}, which berthctl's flag has checked). */
  public static EventFilter parse(List<String> filters) {
    Map<String, Set<String>> byKey = new HashMap<>();
    for (String f : filters) {
      int equals = f.indexOf('=');
      String key = equals < 0 ? f : f.substring(0, equals);
      byKey.computeIfAbsent(key, k -> new LinkedHashSet<>()).add(equals < 0 ? "" : f.substring(equals + 1));
    }
    return new EventFilter(byKey);
  }

  public boolean matches(DockerEvent e) {
    if (!DockerEvents.dockerType(e.type()) && !byKey.containsKey("type")) {
      // containerd's steps (snapshots, content) a Docker user never sees unless asking for them
      return false;
    }
    for (Map.Entry<String, Set<String>> f : byKey.entrySet()) {
      if (!matches(f.getKey(), f.getValue(), e)) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(String key, Set<String> values, DockerEvent e) {
    Map<String, String> attributes = e.attributes();
    if (BY_ID_OR_NAME.contains(key)) {
      // Docker's FuzzyMatch of the actor's id and its name: either starts with a value
      String name = attributes.get("name");
      return values.stream().anyMatch(v -> e.actorId().startsWith(v) || name != null && name.startsWith(v));
    }
    return switch (key) {
      case "type" -> values.contains(e.type());
      case "event" -> values.stream().anyMatch(ACTIONS_WITH_DETAILS::contains)
          ? values.stream().anyMatch(e.action()::startsWith) : values.contains(e.action());
      case "scope" -> values.contains(SCOPE);
      case "image" -> {
        // the actor's id or its image's name (an image event's own), with or without the tag, so
        // image=busybox also finds busybox:latest
        String name = attributes.get(e.type().equals("image") ? "name" : "image");
        yield values.contains(e.actorId()) || values.contains(name) || values.contains(withoutTag(e.actorId()))
            || values.contains(withoutTag(name));
      }
      case "label" -> values.stream().allMatch(value -> {
        int equals = value.indexOf('=');
        return equals < 0 ? attributes.containsKey(value)
            : value.substring(equals + 1).equals(attributes.get(value.substring(0, equals)));
      });
      default -> true;
    };
  }

  /** The repository of an image's name as people write it ({@code busybox} for {@code docker.io/library/busybox:1}). */
  private static String withoutTag(String name) {
    if (name == null || !ImageNames.isValid(name)) {
      return name;
    }
    return ImageNames.familiarRepository(ImageNames.repository(ImageNames.normalize(name)));
  }
}
