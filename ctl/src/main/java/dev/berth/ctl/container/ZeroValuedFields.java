package dev.berth.ctl.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fields of Docker's {@code Config} and {@code HostConfig} for what Berth has no such thing as
 * (Windows isolation, realtime CPU, a console size) or a container was created without (block I/O
 * limits, a volume driver, device requests, by versions before them), with the values Docker's
 * types give them when unset: every field of Docker's inspect is there, so a
 * template naming one prints what Docker prints for a container that does not use it instead of
 * failing. A value the container's record has is left as it is.
 */
final class ZeroValuedFields {
  private static final Map<String, JsonNode> HOST_CONFIG = new LinkedHashMap<>();
  private static final Map<String, JsonNode> CONFIG = new LinkedHashMap<>();

  static {
    JsonNodeFactory json = JsonNodeFactory.instance;
    ArrayNode consoleSize = json.arrayNode().add(0).add(0);
    HOST_CONFIG.put("ContainerIDFile", TextNode.valueOf(""));
    HOST_CONFIG.put("VolumeDriver", TextNode.valueOf(""));
    HOST_CONFIG.put("ConsoleSize", consoleSize);
    HOST_CONFIG.put("Cgroup", TextNode.valueOf(""));
    HOST_CONFIG.put("Isolation", TextNode.valueOf(""));
    HOST_CONFIG.put("BlkioWeight", IntNode.valueOf(0));
    // Docker's CLI sends empty lists for the device weights and limits, and Docker keeps them
    for (String devices : new String[] {"BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps",
        "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps"}) {
      HOST_CONFIG.put(devices, json.arrayNode());
    }
    HOST_CONFIG.put("CpuRealtimePeriod", IntNode.valueOf(0));
    HOST_CONFIG.put("CpuRealtimeRuntime", IntNode.valueOf(0));
    HOST_CONFIG.put("CpusetMems", TextNode.valueOf(""));
    HOST_CONFIG.put("DeviceCgroupRules", NullNode.getInstance());
    HOST_CONFIG.put("DeviceRequests", NullNode.getInstance());
    HOST_CONFIG.put("CpuCount", IntNode.valueOf(0));
    HOST_CONFIG.put("CpuPercent", IntNode.valueOf(0));
    HOST_CONFIG.put("IOMaximumIOps", IntNode.valueOf(0));
    HOST_CONFIG.put("IOMaximumBandwidth", IntNode.valueOf(0));
    CONFIG.put("OnBuild", NullNode.getInstance());
  }

  private ZeroValuedFields() {}

  /** Adds what {@code hostConfig} lacks of Docker's HostConfig. */
  static ObjectNode hostConfig(ObjectNode hostConfig) {
    return filled(hostConfig, HOST_CONFIG);
  }

  /** Adds what {@code config} lacks of Docker's Config (its omitempty fields stay out, as in Docker's JSON). */
  static ObjectNode config(ObjectNode config) {
    return filled(config, CONFIG);
  }

  private static ObjectNode filled(ObjectNode object, Map<String, JsonNode> zeros) {
    zeros.forEach((name, zero) -> {
      if (!object.has(name)) {
        object.set(name, zero.deepCopy());
      }
    });
    return object;
  }
}
