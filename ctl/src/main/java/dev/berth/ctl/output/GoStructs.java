package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Map;
import java.util.Optional;

/**
 * What the tags of Docker's Go structs say of their fields, by the struct's Go type (as
 * {@link TemplateContext} names the structs within a command's value): the JSON key a field is
 * written under where its tag renames it ({@code system.Runtime}'s {@code Path} is {@code "path"},
 * {@code types.Version}'s {@code APIVersion} {@code "ApiVersion"}), since a template names the Go
 * field and the value it runs over is the JSON; and the zero value of a field the JSON leaves out
 * ({@code omitempty}), which the Go struct has all the same ({@code {{.Swarm.Cluster}}} is
 * {@code <nil>}, not an unknown field).
 */
final class GoStructs {
  /** A field of a Go struct: the key JSON writes it under, and what it reads when JSON leaves it out (null: never). */
  private record Field(String jsonKey, JsonNode whenOmitted) {}

  private static final JsonNode EMPTY = TextNode.valueOf("");
  private static final JsonNode NIL = NullNode.getInstance();

  private static final Map<String, Map<String, Field>> STRUCTS = Map.of(
      // what Berth has no counterpart of, and the cgroup features whose tags rename them or leave them out when false
      "system.dockerInfo", Map.ofEntries(Map.entry("DriverStatus", omitted(NilCollection.SLICE)),
          Map.entry("KernelMemory", omitted(BooleanNode.FALSE)), Map.entry("KernelMemoryTCP", omitted(BooleanNode.FALSE)),
          Map.entry("CPUCfsPeriod", renamed("CpuCfsPeriod", null)), Map.entry("CPUCfsQuota", renamed("CpuCfsQuota", null)),
          Map.entry("BridgeNfIP6tables", renamed("BridgeNfIp6tables", null)),
          Map.entry("SystemStatus", omitted(NilCollection.SLICE)), Map.entry("NFd", omitted(IntNode.valueOf(0))),
          Map.entry("NGoroutines", omitted(IntNode.valueOf(0))), Map.entry("NEventsListener", omitted(IntNode.valueOf(0))),
          Map.entry("SystemTime", omitted(EMPTY)), Map.entry("OSVersion", omitted(EMPTY)),
          Map.entry("IndexServerAddress", omitted(EMPTY)), Map.entry("GenericResources", omitted(NilCollection.SLICE)),
          Map.entry("HTTPProxy", omitted(EMPTY)), Map.entry("HTTPSProxy", omitted(EMPTY)),
          Map.entry("NoProxy", omitted(EMPTY)), Map.entry("Isolation", omitted(EMPTY)),
          Map.entry("InitBinary", omitted(EMPTY)), Map.entry("ProductLicense", omitted(EMPTY)),
          Map.entry("DefaultAddressPools", omitted(NilCollection.SLICE)), Map.entry("CDISpecDirs", omitted(NilCollection.SLICE))),
      "*types.Version", Map.of("APIVersion", renamed("ApiVersion", null), "MinAPIVersion", omitted(EMPTY),
          "KernelVersion", omitted(EMPTY), "Experimental", omitted(BooleanNode.FALSE), "BuildTime", omitted(EMPTY)),
      "system.clientVersion", Map.of("APIVersion", renamed("ApiVersion", EMPTY),
          "DefaultAPIVersion", omitted(EMPTY), "GoVersion", omitted(EMPTY), "Platform", omitted(NIL)),
      "*system.clientInfo", Map.of("APIVersion", renamed("ApiVersion", EMPTY),
          "DefaultAPIVersion", omitted(EMPTY), "GoVersion", omitted(EMPTY), "Platform", omitted(NIL)),
      "system.RuntimeWithStatus", Map.of("Path", renamed("path", EMPTY), "Args", renamed("runtimeArgs", NilCollection.SLICE),
          "Type", renamed("runtimeType", EMPTY), "Options", renamed("options", NilCollection.MAP),
          "Status", renamed("status", NilCollection.STRING_MAP)),
      "swarm.Info", Map.of("Nodes", omitted(IntNode.valueOf(0)), "Managers", omitted(IntNode.valueOf(0)),
          "Cluster", omitted(NIL), "Warnings", omitted(NilCollection.SLICE)));

  private GoStructs() {}

  private static Field renamed(String jsonKey, JsonNode whenOmitted) {
    return new Field(jsonKey, whenOmitted);
  }

  private static Field omitted(JsonNode whenOmitted) {
    return new Field(null, whenOmitted);
  }

  private static Optional<Field> field(String type, String name) {
    return Optional.ofNullable(type == null ? null : STRUCTS.getOrDefault(type, Map.of()).get(name));
  }

  /** The JSON key Go field {@code name} of struct {@code type} (null: unknown) is written under. */
  static String jsonKey(String type, String name) {
    return field(type, name).map(Field::jsonKey).orElse(name);
  }

  /** What Go field {@code name} of struct {@code type} reads when its JSON leaves it out, if the struct has it. */
  static Optional<JsonNode> whenOmitted(String type, String name) {
    return field(type, name).map(Field::whenOmitted);
  }
}
