package dev.berth.client.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.images.Descriptor;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Where a stage has got to: the image config so far, the layers under it, its top snapshot (chain
 * ID, empty for none) and image id (the manifest's digest; the base image's id until a step made
 * one), and the ARGs declared in the stage with their values.
 */
final class StageState {
  private static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");
  /** Docker's builder gives a stage PATH when its image has none (moby's system.DefaultPathEnv). */
  private static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  final String name;
  final ObjectNode config;
  final List<Descriptor> layers;
  final boolean dockerTypes;
  String chainId;
  String imageId;
  /** The manifest (or the base image's target) the image id names; null for scratch before a step. */
  Descriptor target;
  /** Whether this stage set CMD: ENTRYPOINT then keeps it, and otherwise clears the base image's. */
  boolean cmdSet;
  /** ARGs in scope, by name; a null value: declared without one. */
  final Map<String, String> args = new LinkedHashMap<>();

  StageState(String name, ObjectNode config, List<Descriptor> layers, boolean dockerTypes, String chainId,
      String imageId, Descriptor target) {
    this.name = name;
    this.config = config;
    this.layers = new ArrayList<>(layers);
    this.dockerTypes = dockerTypes;
    this.chainId = chainId;
    this.imageId = imageId;
    this.target = target;
    ArrayNode env = run().withArray("/Env");
    boolean hasPath = false;
    for (JsonNode e : env) {
      hasPath |= e.asText().startsWith("PATH=");
    }
    if (!hasPath) {
      env.add(DEFAULT_PATH);
    }
  }

  /** A new stage begun FROM this one's result. */
  StageState from(String newName) {
    return new StageState(newName, config.deepCopy(), layers, dockerTypes, chainId, imageId, target);
  }

  /** The run settings ({@code config} of the image config). */
  ObjectNode run() {
    return config.withObject("/config");
  }

  List<String> shell() {
    JsonNode shell = run().path("Shell");
    if (!shell.isArray() || shell.isEmpty()) {
      return DEFAULT_SHELL;
    }
    List<String> words = new ArrayList<>();
    shell.forEach(w -> words.add(w.asText()));
    return words;
  }

  List<String> env() {
    List<String> env = new ArrayList<>();
    run().path("Env").forEach(e -> env.add(e.asText()));
    return env;
  }

  /**
   * What {@code $NAME} stands for in the instructions Docker substitutes: the environment (ENV) over
   * the ARGs with values.
   */
  Function<String, String> variables() {
    Map<String, String> values = new LinkedHashMap<>();
    args.forEach((k, v) -> {
      if (v != null) {
        values.put(k, v);
      }
    });
    for (String e : env()) {
      int eq = e.indexOf('=');
      values.put(eq < 0 ? e : e.substring(0, eq), eq < 0 ? "" : e.substring(eq + 1));
    }
    return values::get;
  }

  /**
   * The ARGs with values that no ENV of the same name hides, sorted, as {@code KEY=VALUE}: what a
   * RUN gets in its environment and its history shows after {@code |N}.
   */
  List<String> buildArgEnv() {
    List<String> env = env();
    List<String> result = new ArrayList<>();
    args.forEach((k, v) -> {
      if (v != null && env.stream().noneMatch(e -> e.startsWith(k + "="))) {
        result.add(k + "=" + v);
      }
    });
    result.sort(null);
    return result;
  }

  /** Adds a history step; {@code emptyLayer} when it made no layer. */
  void history(String createdBy, boolean emptyLayer) {
    ObjectNode step = config.withArray("/history").addObject();
    step.put("created", Instant.now().toString()).put("created_by", createdBy);
    if (emptyLayer) {
      step.put("empty_layer", true);
    }
  }

  /** Adds a layer on top, with its diff ID. */
  void addLayer(Descriptor layer, String diffId) {
    layers.add(layer);
    ObjectNode rootfs = config.withObject("/rootfs");
    rootfs.put("type", "layers");
    rootfs.withArray("/diff_ids").add(diffId);
  }
}
