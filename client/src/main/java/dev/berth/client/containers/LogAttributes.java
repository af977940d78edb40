package dev.berth.client.containers;

import com.fasterxml.jackson.databind.JsonNode;
import containerd.services.containers.v1.Container;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The attributes docker's json-file driver gives each line of a container's log, which
 * {@code logs --details} prints before it: the container's labels named by {@code --log-opt
 * labels=} or matched by {@code labels-regex=}, and its variables named by {@code env=} or matched
 * by {@code env-regex=}. They are fixed when the container is made, so they are worked out from
 * its config when the log is read rather than written with every line.
 */
public final class LogAttributes {
  private LogAttributes() {}

  /** {@code key=value} pairs by key, joined by commas, escaped as Go's url.QueryEscape; empty for none. */
  public static String of(Container record) {
    ContainerConfig config = ContainerConfig.of(record);
    JsonNode options = config.hostConfig().path("LogConfig").path("Config");
    Map<String, String> labels = new TreeMap<>();
    config.config().path("Labels").fields().forEachRemaining(f -> labels.put(f.getKey(), f.getValue().asText()));
    Map<String, String> env = new TreeMap<>();
    for (JsonNode e : config.config().path("Env")) {
      int eq = e.asText().indexOf('=');
      if (eq > 0) {
        env.put(e.asText().substring(0, eq), e.asText().substring(eq + 1));
      }
    }
    Map<String, String> attributes = new TreeMap<>();
    pick(labels, options.path("labels").asText(""), options.path("labels-regex").asText(""), attributes);
    pick(env, options.path("env").asText(""), options.path("env-regex").asText(""), attributes);
    StringBuilder line = new StringBuilder();
    attributes.forEach((k, v) -> line.append(line.isEmpty() ? "" : ",").append(queryEscape(k)).append('=')
        .append(queryEscape(v)));
    return line.toString();
  }

  /** Those of {@code values} named in the comma list {@code names} or matched (anywhere in a key) by {@code regex}. */
  private static void pick(Map<String, String> values, String names, String regex, Map<String, String> into) {
    if (!names.isEmpty()) {
      for (String name : names.split(",")) {
        if (values.containsKey(name)) {
          into.put(name, values.get(name));
        }
      }
    }
    if (!regex.isEmpty()) {
      Pattern p = Pattern.compile(regex);
      values.forEach((k, v) -> {
        if (p.matcher(k).find()) {
          into.put(k, v);
        }
      });
    }
  }

  /** Go's url.QueryEscape: letters, digits and {@code -_.~} as they are, a space as {@code +}, other bytes %XX. */
  static String queryEscape(String s) {
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || "-_.~".indexOf(c) >= 0) {
        out.append(c);
      } else if (c == ' ') {
        out.append('+');
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
