package dev.berth.client.images;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.client.ClientException;
import dev.berth.client.health.Healthcheck;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the client needs of an image config: its platform, the diff IDs (digests of the
 * uncompressed layers, bottom first) that name the unpacked snapshots, and the defaults a
 * container of the image runs with (the config's {@code config} object: user, environment,
 * entrypoint, command, working directory, exposed ports, volumes, stop signal, labels, health
 * check). Absent values are empty, never null.
 */
public record ImageConfig(
    Platform platform,
    List<String> diffIds,
    String user,
    List<String> env,
    List<String> entrypoint,
    List<String> cmd,
    String workingDir,
    Set<String> exposedPorts,
    Set<String> volumes,
    String stopSignal,
    Map<String, String> labels,
    Optional<Healthcheck> healthcheck) {

  public ImageConfig {
    diffIds = List.copyOf(diffIds);
    user = user == null ? "" : user;
    env = env == null ? List.of() : List.copyOf(env);
    entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
    cmd = cmd == null ? List.of() : List.copyOf(cmd);
    workingDir = workingDir == null ? "" : workingDir;
    // sorted, so listings and inspect output keep one order
    exposedPorts = exposedPorts == null ? Set.of() : Collections.unmodifiableSortedSet(new TreeSet<>(exposedPorts));
    volumes = volumes == null ? Set.of() : Collections.unmodifiableSortedSet(new TreeSet<>(volumes));
    stopSignal = stopSignal == null ? "" : stopSignal;
    labels = labels == null ? Map.of() : Collections.unmodifiableSortedMap(new TreeMap<>(labels));
    healthcheck = healthcheck == null ? Optional.empty() : healthcheck;
  }

  /** Reads an image config blob (OCI or Docker; both spell these fields the same). */
  public static ImageConfig parse(byte[] json) {
    return parse(json, "image config");
  }

  static ImageConfig parse(byte[] json, String what) {
    JsonNode root = OciJson.tree(json, what);
    if (!root.isObject()) {
      throw new ClientException(what + " is not a JSON object");
    }
    Platform platform = Platform.of(root.path("os").asText(""), root.path("architecture").asText(""),
        root.path("variant").asText(""));
    JsonNode run = root.path("config");
    Map<String, String> labels = new HashMap<>();
    run.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    Set<String> exposed = new HashSet<>();
    run.path("ExposedPorts").properties().forEach(e -> exposed.add(e.getKey()));
    Set<String> volumes = new TreeSet<>();
    run.path("Volumes").properties().forEach(e -> volumes.add(e.getKey()));
    return new ImageConfig(platform, strings(root.path("rootfs").path("diff_ids")),
        run.path("User").asText(""), strings(run.path("Env")), strings(run.path("Entrypoint")),
        strings(run.path("Cmd")), run.path("WorkingDir").asText(""), exposed, volumes,
        run.path("StopSignal").asText(""), labels, Healthcheck.fromJson(run.get("Healthcheck")));
  }

  /** The strings of a JSON array; nothing for null or a missing field, as Go reads a nil slice. */
  private static List<String> strings(JsonNode array) {
    List<String> values = new ArrayList<>();
    for (Iterator<JsonNode> it = array.elements(); it.hasNext(); ) {
      values.add(it.next().asText());
    }
    return values;
  }
}
