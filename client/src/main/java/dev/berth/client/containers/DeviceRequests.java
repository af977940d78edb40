package dev.berth.client.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.ClientException;
import io.grpc.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Docker's {@code --gpus}: requests for devices a driver (NVIDIA's) hands out, read as Docker's
 * CLI reads them and kept in HostConfig.DeviceRequests. Berth has no such driver, so, as Docker's
 * daemon without one, the container is created and refused when it starts.
 */
public final class DeviceRequests {
  /** One request, in Docker's fields; a count of -1 is {@code all}. */
  record Request(String driver, int count, List<String> deviceIds, List<String> capabilities,
      Map<String, String> options) {}

  private DeviceRequests() {}

  /** {@code --gpus all}, {@code --gpus 2}, {@code --gpus '"device=0,1",capabilities=compute'} and the like. */
  static Request parse(String text) {
    String driver = "";
    int count = 0;
    List<String> deviceIds = null;
    List<String> capabilities = null;
    Map<String, String> options = new LinkedHashMap<>();
    Set<String> seen = new HashSet<>();
    for (String field : csv(text)) {
      int equals = field.indexOf('=');
      String key = equals < 0 ? field : field.substring(0, equals);
      String value = equals < 0 ? null : field.substring(equals + 1);
      if (!seen.add(key)) {
        throw invalid(text, "gpu request key '" + key + "' can be specified only once");
      }
      if (value == null) {
        seen.add("count");
        count = count(text, key);
        continue;
      }
      switch (key) {
        case "driver" -> driver = value;
        case "count" -> count = count(text, value);
        case "device" -> deviceIds = Arrays.asList(value.split(",", -1));
        case "capabilities" -> capabilities = new ArrayList<>(Arrays.asList(value.split(",", -1)));
        case "options" -> csv(value).forEach(o -> {
          int eq = o.indexOf('=');
          options.put(eq < 0 ? o : o.substring(0, eq), eq < 0 ? "" : o.substring(eq + 1));
        });
        default -> throw invalid(text, "unexpected key '" + key + "' in '" + field + "'");
      }
    }
    if (!seen.contains("count") && deviceIds == null) {
      count = 1;
    }
    if (capabilities == null) {
      capabilities = new ArrayList<>();
    }
    capabilities.add("gpu");
    return new Request(driver, count, deviceIds, List.copyOf(capabilities), options);
  }

  /** HostConfig.DeviceRequests: null without any, as Docker's. */
  static void describe(ObjectNode hostConfig, List<Request> requests) {
    if (requests.isEmpty()) {
      hostConfig.putNull("DeviceRequests");
      return;
    }
    ArrayNode array = hostConfig.putArray("DeviceRequests");
    for (Request r : requests) {
      ObjectNode d = array.addObject().put("Driver", r.driver()).put("Count", r.count());
      if (r.deviceIds() == null) {
        d.putNull("DeviceIDs");
      } else {
        ArrayNode ids = d.putArray("DeviceIDs");
        r.deviceIds().forEach(ids::add);
      }
      ArrayNode caps = d.putArray("Capabilities").addArray();
      r.capabilities().forEach(caps::add);
      ObjectNode options = d.putObject("Options");
      r.options().forEach(options::put);
    }
  }

  /**
   * Refuses to start a container that asked for devices, in Docker's daemon's words for a
   * request no driver on the host takes, as a FAILED_PRECONDITION status before any task is made.
   */
  public static void refuseAtStart(ContainerState s) {
    JsonNode requests = ContainerConfig.of(s.record()).hostConfig().path("DeviceRequests");
    if (!requests.isArray() || requests.isEmpty()) {
      return;
    }
    JsonNode first = requests.get(0);
    List<String> caps = new ArrayList<>();
    for (JsonNode set : first.path("Capabilities")) {
      List<String> one = new ArrayList<>();
      set.forEach(c -> one.add(c.asText()));
      caps.add("[" + String.join(" ", one) + "]");
    }
    throw Status.FAILED_PRECONDITION.withDescription("could not select device driver \""
        + first.path("Driver").asText() + "\" with capabilities: [" + String.join(" ", caps) + "]")
        .asRuntimeException();
  }

  private static int count(String text, String value) {
    if (value.equals("all")) {
      return -1;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw invalid(text, "count must be an integer: strconv.Atoi: parsing \"" + value + "\": invalid syntax");
    }
  }

  /** One CSV record, as Go's encoding/csv reads it: fields split at commas, double quotes around a field with commas. */
  private static List<String> csv(String text) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '"' && quoted && i + 1 < text.length() && text.charAt(i + 1) == '"') {
        field.append('"');
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return fields;
  }

  private static ClientException invalid(String text, String why) {
    return new ClientException("invalid argument \"" + text + "\" for \"--gpus\" flag: " + why);
  }
}
