package dev.berth.ctl.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * An image config's run settings as {@code docker image inspect} shows them under {@code Config}:
 * Docker's container {@code Config} type, every field in its order, those the image lacks with
 * their zero values ({@code "WorkingDir": ""}, {@code "Entrypoint": null}, {@code "Labels": null}),
 * so the templates scripts run over any image ({@code {{index .Config.Labels "version"}}},
 * {@code {{json .Config.Entrypoint}}}) print what Docker's print instead of failing. The fields
 * Docker leaves out when empty stay out here too.
 */
final class DockerImageConfig {
  /** Docker's Config fields in its order, each with its zero value (null: left out when the image lacks it). */
  private static final Map<String, JsonNode> FIELDS = new LinkedHashMap<>();
  /** Docker's {@code omitempty} fields that a value still leaves out: a false ArgsEscaped, an empty port set. */
  private static final Set<String> OMITTED_WHEN_EMPTY = Set.of("ExposedPorts", "ArgsEscaped");

  static {
    TextNode empty = TextNode.valueOf("");
    FIELDS.put("Hostname", empty);
    FIELDS.put("Domainname", empty);
    FIELDS.put("User", empty);
    FIELDS.put("AttachStdin", BooleanNode.FALSE);
    FIELDS.put("AttachStdout", BooleanNode.FALSE);
    FIELDS.put("AttachStderr", BooleanNode.FALSE);
    FIELDS.put("ExposedPorts", null);
    FIELDS.put("Tty", BooleanNode.FALSE);
    FIELDS.put("OpenStdin", BooleanNode.FALSE);
    FIELDS.put("StdinOnce", BooleanNode.FALSE);
    FIELDS.put("Env", NullNode.getInstance());
    FIELDS.put("Cmd", NullNode.getInstance());
    FIELDS.put("Healthcheck", null);
    FIELDS.put("ArgsEscaped", null);
    // the name the operator gave a container; an image's own config has none
    FIELDS.put("Image", empty);
    FIELDS.put("Volumes", NullNode.getInstance());
    FIELDS.put("WorkingDir", empty);
    FIELDS.put("Entrypoint", NullNode.getInstance());
    FIELDS.put("OnBuild", NullNode.getInstance());
    FIELDS.put("Labels", NullNode.getInstance());
    FIELDS.put("StopSignal", null);
    FIELDS.put("Shell", null);
  }

  private DockerImageConfig() {}

  /** Docker's {@code Config} of an image whose OCI config's {@code config} object is {@code run} (missing: none). */
  static ObjectNode of(JsonNode run) {
    ObjectNode config = JsonNodeFactory.instance.objectNode();
    FIELDS.forEach((name, zero) -> {
      JsonNode value = run.path(name);
      if (!value.isMissingNode() && !value.isNull() && !(OMITTED_WHEN_EMPTY.contains(name) && isEmpty(value))) {
        config.set(name, value);
      } else if (zero != null) {
        config.set(name, zero);
      }
    });
    return config;
  }

  private static boolean isEmpty(JsonNode value) {
    return value.isBoolean() ? !value.asBoolean() : value.isEmpty();
  }
}
