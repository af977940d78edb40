package dev.berth.ctl.events;

import dev.berth.client.images.ImageNames;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.output.InvalidFilter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Docker's {@code events --filter}: values of one key are alternatives, except that every
 * {@code label=} must match, and different keys must all match. type=container|image|..., event=start|die|... (the action),
 * container=, network= and volume= a prefix of the id or of the name the event carries, image=NAME
 * (with or without its tag) or an image id, label=KEY or label=KEY=VALUE.
 */
public final class EventFilter {
  private static final List<String> KEYS = List.of("type", "event", "container", "image", "network", "volume",
      "label");

  private final Map<String, List<String>> byKey;

  private EventFilter(Map<String, List<String>> byKey) {
    this.byKey = byKey;
  }

  /** Filters as typed ({@code KEY=VALUE}); a failure names the one it cannot read. */
  public static EventFilter parse(List<String> filters) {
    Map<String, List<String>> byKey = new HashMap<>();
    for (String f : filters) {
      int equals = f.indexOf('=');
      String key = equals < 0 ? "" : f.substring(0, equals);
      if (!KEYS.contains(key)) {
        // as Docker's daemon refuses it, naming the key
        throw InvalidFilter.key(key, KEYS);
      }
      if (equals == f.length() - 1) {
        throw new CommandFailure("invalid filter '" + f + "': expected type=, event=, container=, image=, network=, "
            + "volume= or label=");
      }
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(f.substring(equals + 1));
    }
    return new EventFilter(byKey);
  }

  public boolean matches(DockerEvent e) {
    if (!DockerEvents.dockerType(e.type()) && !byKey.containsKey("type")) {
      // containerd's steps (snapshots, content) a Docker user never sees unless asking for them
      return false;
    }
    for (Map.Entry<String, List<String>> f : byKey.entrySet()) {
      boolean matched = f.getKey().equals("label") ? f.getValue().stream().allMatch(value -> matches("label", value, e))
          : f.getValue().stream().anyMatch(value -> matches(f.getKey(), value, e));
      if (!matched) {
        return false;
      }
    }
    return true;
  }

  private static boolean matches(String key, String value, DockerEvent e) {
    Map<String, String> attributes = e.attributes();
    return switch (key) {
      case "type" -> e.type().equals(value);
      // Docker's exec actions carry the command after a colon; the filter names the action alone
      case "event" -> e.action().equals(value) || e.action().startsWith(value + ":");
      // as Docker's daemon matches them (FuzzyMatch): a prefix of the id, or of the name the event carries
      case "container" -> e.type().equals("container") && fuzzy(value, e);
      case "image" -> {
        // as Docker's daemon matches it: the actor's id or its image's name (an image event's own), with or
        // without the tag, so image=busybox also finds busybox:latest
        String name = attributes.get(e.type().equals("image") ? "name" : "image");
        yield value.equals(e.actorId()) || value.equals(name) || value.equals(withoutTag(e.actorId()))
            || value.equals(withoutTag(name));
      }
      case "network" -> e.type().equals("network") && fuzzy(value, e);
      case "volume" -> e.type().equals("volume") && fuzzy(value, e);
      default -> {
        int equals = value.indexOf('=');
        yield equals < 0 ? attributes.containsKey(value)
            : value.substring(equals + 1).equals(attributes.get(value.substring(0, equals)));
      }
    };
  }

  /** Docker's FuzzyMatch of the actor's id and its name: either starts with {@code value}. */
  private static boolean fuzzy(String value, DockerEvent e) {
    String name = e.attributes().get("name");
    return e.actorId().startsWith(value) || name != null && name.startsWith(value);
  }

  /** The repository of an image's name as people write it ({@code busybox} for {@code docker.io/library/busybox:1}). */
  private static String withoutTag(String name) {
    if (name == null || !ImageNames.isValid(name)) {
      return name;
    }
    return ImageNames.familiarRepository(ImageNames.repository(ImageNames.normalize(name)));
  }
}
