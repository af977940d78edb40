package dev.berth.ctl.events;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * When each container's task last started, for the {@code execDuration} of Docker's {@code die}
 * events (whole seconds the container ran, as Docker's daemon gives it). A start seen in the event
 * stream is the one that ended at the next die; a container already running when the stream began
 * is known by the start time its record kept, read where the events command looks the record up
 * anyway, so no die costs a call of its own.
 */
public final class TaskStarts {
  private final Map<String, Instant> byId = new HashMap<>();

  /** The task of container {@code id} started at {@code time}, as its {@code /tasks/start} event says. */
  public void started(String id, Instant time) {
    byId.put(id, time);
  }

  /** The start time the record of container {@code id} keeps, taken unless the stream gave one. */
  public void recorded(String id, Instant time) {
    byId.putIfAbsent(id, time);
  }

  /**
   * {@code die} with its {@code execDuration}, when its start is known and not after it: a replayed
   * die whose run started before the replay knows only the record's start, which is a later run's.
   */
  public DockerEvent withExecDuration(DockerEvent die) {
    Instant start = byId.get(die.actorId());
    if (start == null || start.isAfter(die.time())) {
      return die;
    }
    Map<String, String> attributes = new TreeMap<>(die.attributes());
    attributes.put("execDuration", Long.toString(Duration.between(start, die.time()).getSeconds()));
    return new DockerEvent(die.type(), die.action(), die.actorId(), new TreeMap<>(attributes), die.time());
  }

  /** Whether {@code event} is the end of a container's own task (not an exec's), which Docker times. */
  public static boolean isDie(DockerEvent event) {
    return event.type().equals("container") && event.action().equals("die");
  }
}
