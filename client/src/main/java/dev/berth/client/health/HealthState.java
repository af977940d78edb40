package dev.berth.client.health;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import containerd.services.containers.v1.Container;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where a container's health check stands, as docker's {@code State.Health} shows it: the status,
 * the failures in a row and the last five probes. Kept in the container record's extension
 * {@link #EXTENSION}, written by berthd's health monitor, read by inspect and ps.
 */
public record HealthState(String status, int failingStreak, List<Probe> log) {
  public static final String EXTENSION = "io.berth.health";
  public static final String TYPE_URL = "types.berth.dev/berthd/HealthState";
  public static final String STARTING = "starting";
  public static final String HEALTHY = "healthy";
  public static final String UNHEALTHY = "unhealthy";
  /** Docker's: probes kept, and bytes of output kept of each. */
  static final int LOG_ENTRIES = 5;
  public static final int OUTPUT_BYTES = 4096;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One run of the test: exit code -1 when it could not run or ran out of time. */
  public record Probe(Instant start, Instant end, int exitCode, String output) {}

  public HealthState {
    log = List.copyOf(log);
  }

  /** A container just started: no verdict yet. */
  public static HealthState starting() {
    return new HealthState(STARTING, 0, List.of());
  }

  /** The container started again: no verdict yet, the earlier probes still shown, as docker keeps them. */
  public HealthState restarted() {
    return new HealthState(STARTING, 0, log);
  }

  /**
   * The state after {@code probe}, as docker judges it: a pass makes the container healthy; a
   * failure adds to the streak, and reaching {@code retries} failures makes it unhealthy, except
   * that failures while it is still starting within its start period do not count.
   */
  public HealthState after(Probe probe, Healthcheck check, Instant containerStarted) {
    List<Probe> kept = new ArrayList<>(log);
    kept.add(probe);
    if (kept.size() > LOG_ENTRIES) {
      kept.subList(0, kept.size() - LOG_ENTRIES).clear();
    }
    if (probe.exitCode() == 0) {
      return new HealthState(HEALTHY, 0, kept);
    }
    boolean grace = status.equals(STARTING)
        && Duration.between(containerStarted, probe.start()).compareTo(check.startPeriod()) < 0;
    if (grace) {
      return new HealthState(status, failingStreak, kept);
    }
    int streak = failingStreak + 1;
    return new HealthState(streak >= check.effectiveRetries() ? UNHEALTHY : status, streak, kept);
  }

  /** The record's state; empty for a container no check ran for. */
  public static Optional<HealthState> of(Container record) {
    Any any = record.getExtensionsMap().get(EXTENSION);
    if (any == null) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(any.getValue().toByteArray());
      List<Probe> log = new ArrayList<>();
      for (JsonNode p : node.path("Log")) {
        log.add(new Probe(Instant.parse(p.path("Start").asText()), Instant.parse(p.path("End").asText()),
            p.path("ExitCode").asInt(), p.path("Output").asText("")));
      }
      return Optional.of(new HealthState(node.path("Status").asText(STARTING), node.path("FailingStreak").asInt(),
          log));
    } catch (IOException | RuntimeException e) {
      // unreadable: shown as no health, the container still works
      return Optional.empty();
    }
  }

  /** Docker's {@code State.Health} object. */
  public ObjectNode toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("Status", status);
    node.put("FailingStreak", failingStreak);
    ArrayNode entries = node.putArray("Log");
    for (Probe p : log) {
      entries.addObject().put("Start", p.start().toString()).put("End", p.end().toString())
          .put("ExitCode", p.exitCode()).put("Output", p.output());
    }
    return node;
  }

  /** The value of the record's extension. */
  public Any toAny() {
    try {
      return Any.newBuilder().setTypeUrl(TYPE_URL).setValue(ByteString.copyFrom(JSON.writeValueAsBytes(toJson())))
          .build();
    } catch (IOException e) {
      throw new IllegalStateException("JSON of a health state", e);
    }
  }
}
