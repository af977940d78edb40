package dev.berth.client.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import containerd.services.containers.v1.Container;
import dev.berth.client.health.Healthcheck;
import java.io.IOException;
import java.util.Optional;

/**
 * What berthctl keeps of a container's creation for {@code inspect} and {@code start}: docker's
 * {@code Config}, {@code HostConfig} and {@code Mounts} objects, as JSON in the record's
 * extension {@link #EXTENSION} (labels are limited to 4 KiB; extensions are not).
 */
public final class ContainerConfig {
  public static final String EXTENSION = "io.berth.config";
  public static final String TYPE_URL = "types.berth.dev/berthctl/ContainerConfig";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ObjectNode root;

  private ContainerConfig(ObjectNode root) {
    this.root = root;
  }

  public static ContainerConfig empty() {
    ObjectNode root = JSON.createObjectNode();
    root.putObject("Config");
    root.putObject("HostConfig");
    root.putArray("Mounts");
    return new ContainerConfig(root);
  }

  /** The record's config, or an empty one for records other clients made. */
  public static ContainerConfig of(Container record) {
    Any any = record.getExtensionsMap().get(EXTENSION);
    if (any == null) {
      return empty();
    }
    try {
      JsonNode node = JSON.readTree(any.getValue().toByteArray());
      if (node instanceof ObjectNode o && o.path("Config").isObject() && o.path("HostConfig").isObject()
          && o.path("Mounts").isArray()) {
        return new ContainerConfig(o);
      }
    } catch (IOException e) {
      // unreadable: shown as unknown, the container still works
    }
    return empty();
  }

  public ObjectNode config() {
    return (ObjectNode) root.get("Config");
  }

  public ObjectNode hostConfig() {
    return (ObjectNode) root.get("HostConfig");
  }

  public ArrayNode mounts() {
    return (ArrayNode) root.get("Mounts");
  }

  /**
   * The id of the image the container was made from (the digest of the image's target), Docker's
   * {@code Image}: it stays when the name moves to another image. Empty for records other clients made.
   */
  public String imageId() {
    return root.path("Image").asText("");
  }

  public void imageId(String id) {
    root.put("Image", id);
  }

  /**
   * Whether an environment entry is one each start sets (HOSTNAME, and TERM for a terminal):
   * Docker's {@code Config.Env} leaves them out, and a commit must not fix them in the image.
   */
  public static boolean setAtStart(String entry, boolean tty) {
    return entry.startsWith("HOSTNAME=") || tty && entry.equals("TERM=xterm");
  }

  /** The check berthd's health monitor runs: {@code Config.Healthcheck}, unless absent or turned off. */
  public Optional<Healthcheck> healthcheck() {
    return Healthcheck.fromJson(config().get("Healthcheck")).filter(h -> !h.disabled());
  }

  public boolean tty() {
    return config().path("Tty").asBoolean(false);
  }

  public boolean openStdin() {
    return config().path("OpenStdin").asBoolean(false);
  }

  public boolean autoRemove() {
    return hostConfig().path("AutoRemove").asBoolean(false);
  }

  /** The signal {@code stop} sends first: the image's or the flag's, else SIGTERM. */
  public int stopSignal() {
    return hasStopSignal() ? Signals.parse(config().path("StopSignal").asText()) : Signals.SIGTERM;
  }

  /** Whether the image or {@code --stop-signal} gave a stop signal (Docker's Config.StopSignal). */
  public boolean hasStopSignal() {
    return !config().path("StopSignal").asText("").isEmpty();
  }

  /** The seconds stop waits before SIGKILL that {@code --stop-timeout} gave, if it did (-1: no limit). */
  public java.util.OptionalLong stopTimeout() {
    JsonNode timeout = config().path("StopTimeout");
    return timeout.isIntegralNumber() ? java.util.OptionalLong.of(timeout.asLong()) : java.util.OptionalLong.empty();
  }

  /** Names of the volumes created for this container alone, which {@code rm -v} removes. */
  public java.util.List<String> anonymousVolumes() {
    java.util.List<String> names = new java.util.ArrayList<>();
    for (JsonNode m : mounts()) {
      if (m.path("Type").asText().equals("volume") && m.path("Anonymous").asBoolean(false)) {
        names.add(m.path("Name").asText());
      }
    }
    return names;
  }

  public Any toAny() {
    try {
      return Any.newBuilder().setTypeUrl(TYPE_URL).setValue(ByteString.copyFrom(JSON.writeValueAsBytes(root))).build();
    } catch (IOException e) {
      throw new IllegalStateException("cannot write the container config as JSON", e);
    }
  }
}
