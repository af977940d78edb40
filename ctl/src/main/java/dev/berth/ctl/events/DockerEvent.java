package dev.berth.ctl.events;

import dev.berth.ctl.output.Durations;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * One event as Docker reports it: what changed ({@code type}: container, image, ...), what
 * happened to it ({@code action}: create, start, die, ...), the object's id and its attributes
 * (name, image, exitCode, labels), and when.
 */
public record DockerEvent(String type, String action, String actorId, SortedMap<String, String> attributes,
    Instant time) {
  /** A single daemon's events: Docker's scope for them. */
  private static final String SCOPE = "local";

  public DockerEvent {
    attributes = new TreeMap<>(attributes);
  }

  /** Go's zero message, on which Docker's events tries a template before waiting for events. */
  public static DockerEvent empty() {
    return new DockerEvent("", "", "", new TreeMap<>(), Instant.EPOCH);
  }

  /**
   * Docker's JSON object of an event: for containers and images its older fields first (status,
   * id, from: the image of a container), then Type, Action, Actor{ID, Attributes}, scope, time,
   * timeNano.
   */
  public Map<String, Object> json() {
    Map<String, Object> json = new LinkedHashMap<>();
    // as Docker's omitempty fields: a prune names no object, so it has no id
    if (hasOlderFields()) {
      json.put("status", action);
      if (!actorId.isEmpty()) {
        json.put("id", actorId);
      }
      if (!attributes.getOrDefault("image", "").isEmpty()) {
        json.put("from", attributes.get("image"));
      }
    }
    json.put("Type", type);
    json.put("Action", action);
    json.put("Actor", actor());
    json.put("scope", SCOPE);
    json.put("time", time.getEpochSecond());
    json.put("timeNano", timeNano());
    return json;
  }

  /**
   * What a {@code --format} template sees: Docker's event by its Go field names (Status, ID, From,
   * Type, Action, Actor.ID, Actor.Attributes, Scope, Time, TimeNano), as {@code {{.Actor.ID}}}
   * or {@code {{.Status}}} name them.
   */
  public Map<String, Object> templateView() {
    Map<String, Object> view = new LinkedHashMap<>();
    view.put("Status", hasOlderFields() ? action : "");
    view.put("ID", hasOlderFields() ? actorId : "");
    view.put("From", hasOlderFields() ? attributes.getOrDefault("image", "") : "");
    view.put("Type", type);
    view.put("Action", action);
    view.put("Actor", actor());
    view.put("Scope", SCOPE);
    view.put("Time", time.getEpochSecond());
    view.put("TimeNano", timeNano());
    return view;
  }

  /** Docker keeps its older fields (status, id, from) for container and image events. */
  private boolean hasOlderFields() {
    return type.equals("container") || type.equals("image");
  }

  private long timeNano() {
    return time.getEpochSecond() * 1_000_000_000L + time.getNano();
  }

  private Map<String, Object> actor() {
    Map<String, Object> actor = new LinkedHashMap<>();
    actor.put("ID", actorId);
    actor.put("Attributes", attributes);
    return actor;
  }

  /**
   * Docker's line: {@code 2026-12-02T15:04:05.123456789Z container start ID (image=busybox, name=web)},
   * its time in {@code zone} as Docker's CLI writes it in the local one ({@code +01:00} for
   * Berlin in winter).
   */
  public String text(ZoneId zone) {
    String line = Durations.rfc3339NanoFixed(time, zone) + " " + type + " " + action + " " + actorId;
    if (attributes.isEmpty()) {
      return line;
    }
    return line + " (" + attributes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", ")) + ")";
  }
}
