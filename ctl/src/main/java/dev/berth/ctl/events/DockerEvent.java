package dev.berth.ctl.events;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
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
  /** Docker's text form fixes the nanoseconds to nine digits. */
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  public DockerEvent {
    attributes = new TreeMap<>(attributes);
  }

  /** Docker's JSON object of an event: Type, Action, Actor{ID, Attributes}, scope, time, timeNano. */
  public Map<String, Object> json() {
    Map<String, Object> actor = new LinkedHashMap<>();
    actor.put("ID", actorId);
    actor.put("Attributes", attributes);
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("Type", type);
    json.put("Action", action);
    json.put("Actor", actor);
    json.put("scope", "local");
    json.put("time", time.getEpochSecond());
    json.put("timeNano", time.getEpochSecond() * 1_000_000_000L + time.getNano());
    return json;
  }

  /** Docker's line: {@code 2026-12-02T15:04:05.123456789Z container start ID (image=busybox, name=web)}. */
  public String text() {
    String line = TIME.format(time) + " " + type + " " + action + " " + actorId;
    if (attributes.isEmpty()) {
      return line;
    }
    return line + " (" + attributes.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", ")) + ")";
  }
}
