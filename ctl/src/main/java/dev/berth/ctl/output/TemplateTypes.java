package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What Go knows of Docker's values and JSON does not: which objects are maps and which are
 * structs. Go's templates read a map's missing key as {@code <no value>} but fail on a struct's
 * unknown field, so {@link Template} asks here which objects are maps: those under the names
 * Docker's types give maps ({@code Config.Labels}, {@code NetworkSettings.Networks}, an event's
 * {@code Actor.Attributes}, ...). Every other object is a struct.
 */
final class TemplateTypes {
  /** Fields whose values are Go maps in Docker's types, wherever they are. */
  private static final Set<String> MAP_FIELDS = Set.of("Labels", "Options", "Attributes", "Networks", "Ports",
      "ExposedPorts", "Volumes", "Containers", "Data", "DriverOpts", "Sysctls", "Tmpfs", "StorageOpt", "Status",
      "Annotations", "Runtimes", "IndexConfigs", "Components");
  /** Fields that are maps under one parent only ({@code LogConfig.Config}; the top {@code Config} is a struct). */
  private static final Set<String> MAP_CHILDREN = Set.of("LogConfig.Config");
  /**
   * Docker's nil pointers, which its JSON leaves out: a template reads them as nil
   * ({@code {{if .State.Health}}}), not as unknown fields.
   */
  private static final Set<String> NIL_WHEN_ABSENT = Set.of("Health", "SizeRw", "SizeRootFs");
  /** The Go types of Docker's pointers that can be nil, as Go's error for a field below one names them. */
  private static final Map<String, String> POINTER_TYPES = Map.of("Health", "*container.Health",
      "Server", "*types.Version", "SizeRw", "*int64", "SizeRootFs", "*int64");

  private TemplateTypes() {}

  /** The objects in {@code value} that are Go maps, by identity. */
  static Set<JsonNode> maps(JsonNode value) {
    Set<JsonNode> maps = Collections.newSetFromMap(new IdentityHashMap<>());
    collect(value, "", maps);
    return maps;
  }

  /** Whether a struct without {@code field} has it as a nil pointer rather than not at all. */
  static boolean nilWhenAbsent(String field) {
    return NIL_WHEN_ABSENT.contains(field);
  }

  /** Whether {@code field} holds a Go map in Docker's types, whose nil reads as empty rather than failing. */
  static boolean isMapField(String field) {
    return MAP_FIELDS.contains(field);
  }

  /** The Go type Docker gives the nil under {@code field} (null: a value of unknown type), for Go's error. */
  static String pointerType(String field) {
    return field == null ? "interface {}" : POINTER_TYPES.getOrDefault(field, "interface {}");
  }

  private static void collect(JsonNode value, String parent, Set<JsonNode> maps) {
    if (value.isArray()) {
      value.forEach(element -> collect(element, "", maps));
      return;
    }
    if (!value.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      String name = field.getKey();
      JsonNode child = field.getValue();
      if (child.isObject() && (MAP_FIELDS.contains(name) || MAP_CHILDREN.contains(parent + "." + name))) {
        maps.add(child);
      }
      collect(child, name, maps);
    }
  }
}
