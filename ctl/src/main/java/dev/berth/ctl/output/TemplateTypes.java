package dev.berth.ctl.output;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What Go knows of Docker's values and JSON does not: which objects are maps and which are
 * structs. Go's templates read a map's missing key as {@code <no value>} but fail on a struct's
 * unknown field, so {@link Template} asks here which objects are maps: those under the names
 * Docker's types give maps ({@code Config.Labels}, {@code NetworkSettings.Networks}, an event's
 * {@code Actor.Attributes}, ...). Every other object is a struct. Likewise JSON's null is Go's
 * nil slice, nil map or nil pointer, which print differently, and a field JSON leaves out when
 * empty is still a field of Go's struct.
 */
final class TemplateTypes {
  /** Fields whose values are Go maps in Docker's types, wherever they are. */
  private static final Set<String> MAP_FIELDS = Set.of("Labels", "Options", "Attributes", "Networks", "Ports",
      "PortBindings", "ExposedPorts", "Volumes", "Containers", "Data", "DriverOpts", "Sysctls", "Tmpfs",
      "StorageOpt", "Status", "Annotations", "Runtimes", "IndexConfigs", "Components", "AuxiliaryAddresses");
  /**
   * The maps of {@link #MAP_FIELDS} whose values are strings ({@code map[string]string}): Go's
   * {@code index} of a key they lack is the empty string, where other maps give no value.
   */
  private static final Set<String> STRING_MAP_FIELDS = Set.of("Labels", "Options", "Attributes", "Data",
      "DriverOpts", "Sysctls", "Tmpfs", "StorageOpt", "Annotations", "AuxiliaryAddresses");
  /**
   * The maps of {@link #MAP_FIELDS} whose values are pointers ({@code map[string]*network.EndpointSettings},
   * {@code map[string]*registry.IndexInfo}): Go's {@code index} of a key they lack is a nil pointer, {@code <nil>}.
   */
  private static final Set<String> POINTER_MAP_FIELDS = Set.of("Networks", "IndexConfigs");
  /** Fields that are maps under one parent only ({@code LogConfig.Config}; the top {@code Config} is a struct). */
  private static final Set<String> MAP_CHILDREN = Set.of("LogConfig.Config");
  /** Fields whose values are Go slices in Docker's types, wherever they are: a null there is a nil slice. */
  private static final Set<String> SLICE_FIELDS = Set.of("Args", "ExecIDs", "Env", "Cmd", "Entrypoint", "OnBuild",
      "Shell", "Test", "Binds", "VolumesFrom", "CapAdd", "CapDrop", "Dns", "DnsOptions", "DnsSearch", "ExtraHosts",
      "GroupAdd", "Links", "SecurityOpt", "Devices", "DeviceCgroupRules", "DeviceRequests", "Ulimits",
      "BlkioWeightDevice", "BlkioDeviceReadBps", "BlkioDeviceWriteBps", "BlkioDeviceReadIOps", "BlkioDeviceWriteIOps",
      "MaskedPaths", "ReadonlyPaths", "Aliases", "DNSNames", "SecondaryIPAddresses", "SecondaryIPv6Addresses",
      "RepoTags", "RepoDigests", "Layers", "Mirrors", "AllowNondistributableArtifactsCIDRs",
      "AllowNondistributableArtifactsHostnames");
  /** Fields that are Go {@code time.Duration}s in Docker's types, under their parent, which JSON writes in nanoseconds. */
  private static final Set<String> DURATION_FIELDS = Set.of("Healthcheck.Interval", "Healthcheck.Timeout",
      "Healthcheck.StartPeriod", "Healthcheck.StartInterval");
  /** Maps whose values are Go slices ({@code nat.PortMap}): an exposed port that is not published is a nil slice. */
  private static final Set<String> MAPS_OF_SLICES = Set.of("Ports", "PortBindings");
  /**
   * What a template reads for a field Docker's JSON leaves out (a nil pointer, or {@code omitempty}
   * with its zero value): Go's struct has it all the same ({@code {{if .State.Health}}},
   * {@code {{.Config.Healthcheck}}}), so it is no unknown field.
   */
  private static final Map<String, JsonNode> WHEN_OMITTED = Map.ofEntries(
      Map.entry("Health", NullNode.getInstance()), Map.entry("SizeRw", NullNode.getInstance()),
      Map.entry("SizeRootFs", NullNode.getInstance()), Map.entry("Healthcheck", NullNode.getInstance()),
      Map.entry("StopTimeout", NullNode.getInstance()), Map.entry("Init", NullNode.getInstance()),
      Map.entry("MacAddress", TextNode.valueOf("")), Map.entry("StopSignal", TextNode.valueOf("")),
      Map.entry("Runtime", TextNode.valueOf("")), Map.entry("ArgsEscaped", BooleanNode.FALSE),
      Map.entry("NetworkDisabled", BooleanNode.FALSE), Map.entry("KernelMemory", IntNode.valueOf(0)),
      Map.entry("KernelMemoryTCP", IntNode.valueOf(0)), Map.entry("Shell", NilCollection.SLICE),
      Map.entry("ExposedPorts", NilCollection.MAP), Map.entry("Tmpfs", NilCollection.STRING_MAP),
      Map.entry("Sysctls", NilCollection.STRING_MAP), Map.entry("StorageOpt", NilCollection.STRING_MAP),
      Map.entry("Annotations", NilCollection.STRING_MAP), Map.entry("Status", NilCollection.MAP),
      Map.entry("UsageData", NullNode.getInstance()));
  /**
   * The {@code omitempty} fields of the structs in a {@code Mounts} list, which only those structs
   * have: a container's mount points ({@code types.MountPoint}, with a {@code Destination}: a bind
   * has no {@code Name} or {@code Driver}, so {@code {{range .Mounts}}{{.Name}}{{end}}} prints
   * nothing for it in Docker) and HostConfig's mounts ({@code mount.Mount}, with a {@code Target}).
   */
  private static final Map<String, JsonNode> MOUNT_POINT_OMITTED = Map.of("Name", TextNode.valueOf(""),
      "Driver", TextNode.valueOf(""), "Type", TextNode.valueOf(""));
  private static final Map<String, JsonNode> MOUNT_OMITTED = Map.of("Source", TextNode.valueOf(""),
      "ReadOnly", BooleanNode.FALSE, "Consistency", TextNode.valueOf(""), "BindOptions", NullNode.getInstance(),
      "VolumeOptions", NullNode.getInstance(), "TmpfsOptions", NullNode.getInstance());
  /** Docker's HealthConfig, whose fields are all omitempty: a check's JSON may have only its {@code Test}. */
  private static final Map<String, JsonNode> HEALTHCHECK_OMITTED = Map.of("Test", NilCollection.SLICE,
      "Interval", new GoDuration(0), "Timeout", new GoDuration(0), "StartPeriod", new GoDuration(0),
      "StartInterval", new GoDuration(0), "Retries", IntNode.valueOf(0));
  /** The Go types of Docker's pointers that can be nil, as Go's error for a field below one names them. */
  private static final Map<String, String> POINTER_TYPES = Map.ofEntries(Map.entry("Health", "*container.Health"),
      Map.entry("Server", "*types.Version"), Map.entry("SizeRw", "*int64"), Map.entry("SizeRootFs", "*int64"),
      Map.entry("Healthcheck", "*container.HealthConfig"), Map.entry("StopTimeout", "*int"),
      Map.entry("Init", "*bool"), Map.entry("BindOptions", "*mount.BindOptions"),
      Map.entry("VolumeOptions", "*mount.VolumeOptions"), Map.entry("TmpfsOptions", "*mount.TmpfsOptions"),
      Map.entry("UsageData", "*volume.UsageData"), Map.entry("Cluster", "*swarm.ClusterInfo"));

  private TemplateTypes() {}

  /** The objects in {@code value} that are Go maps, by identity. */
  static Set<JsonNode> maps(JsonNode value) {
    Set<JsonNode> maps = Collections.newSetFromMap(new IdentityHashMap<>());
    collect(value, "", maps);
    return maps;
  }

  /**
   * The objects in {@code value} whose struct has {@code omitempty} fields of its own (the
   * elements of a {@code Mounts} list), by identity, each with what it reads for those its JSON
   * leaves out.
   */
  static Map<JsonNode, Map<String, JsonNode>> omittedOfStructs(JsonNode value) {
    Map<JsonNode, Map<String, JsonNode>> structs = new IdentityHashMap<>();
    collectStructs(value, structs);
    return structs;
  }

  private static void collectStructs(JsonNode value, Map<JsonNode, Map<String, JsonNode>> structs) {
    if (value.isArray()) {
      value.forEach(element -> collectStructs(element, structs));
      return;
    }
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      if (field.getKey().equals("Mounts") && field.getValue().isArray()) {
        for (JsonNode mount : field.getValue()) {
          if (mount.has("Destination")) {
            structs.put(mount, MOUNT_POINT_OMITTED);
          } else if (mount.has("Target")) {
            structs.put(mount, MOUNT_OMITTED);
          }
        }
      } else if (field.getKey().equals("Healthcheck") && field.getValue().isObject()) {
        structs.put(field.getValue(), HEALTHCHECK_OMITTED);
      }
      collectStructs(field.getValue(), structs);
    }
  }

  /**
   * The objects in {@code value} that are Go maps whose elements' zero value a template prints
   * (strings, pointers, slices), by identity, each with that zero: what Go's {@code index} gives
   * for a key the map lacks. Other maps give no value there.
   */
  static Map<JsonNode, JsonNode> mapElementZeros(JsonNode value) {
    Map<JsonNode, JsonNode> maps = new IdentityHashMap<>();
    collectElementZeros(value, "", maps);
    return maps;
  }

  private static void collectElementZeros(JsonNode value, String parent, Map<JsonNode, JsonNode> maps) {
    if (value.isArray()) {
      value.forEach(element -> collectElementZeros(element, "", maps));
      return;
    }
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      String name = field.getKey();
      if (field.getValue().isObject()) {
        NilCollection nil = nilMap(name, parent);
        if (nil != null && nil != NilCollection.MAP) {
          maps.put(field.getValue(), nil.elementZero());
        }
      }
      collectElementZeros(field.getValue(), name, maps);
    }
  }

  /** The nil map Docker's type has under {@code name} (in {@code parent}); null when it is no map. */
  private static NilCollection nilMap(String name, String parent) {
    if (STRING_MAP_FIELDS.contains(name) || MAP_CHILDREN.contains(parent + "." + name)) {
      return NilCollection.STRING_MAP;
    }
    if (POINTER_MAP_FIELDS.contains(name)) {
      return NilCollection.POINTER_MAP;
    }
    if (MAPS_OF_SLICES.contains(name)) {
      return NilCollection.SLICE_MAP;
    }
    return MAP_FIELDS.contains(name) ? NilCollection.MAP : null;
  }

  /**
   * The objects in {@code value} (which {@code context} runs a template over) whose Go struct type
   * Docker's context has, by identity: {@code value} itself and the structs nested in it.
   */
  static Map<JsonNode, String> structTypes(JsonNode value, TemplateContext context) {
    Map<JsonNode, String> types = new IdentityHashMap<>();
    types.put(value, context.goType());
    collectStructTypes(value, "", context, types);
    return types;
  }

  private static void collectStructTypes(JsonNode value, String path, TemplateContext context,
      Map<JsonNode, String> types) {
    if (value.isArray()) {
      value.forEach(element -> collectStructTypes(element, path + "[]", context, types));
      return;
    }
    if (!value.isObject()) {
      return;
    }
    if (!path.isEmpty() && context.nestedType(path) != null) {
      types.put(value, context.nestedType(path));
    }
    for (Map.Entry<String, JsonNode> field : value.properties()) {
      // a map's values are named .* whatever their key
      String name = context.nestedType(path + ".*") == null ? field.getKey() : "*";
      collectStructTypes(field.getValue(), path.isEmpty() ? name : path + "." + name, context, types);
    }
  }

  /** What a struct without {@code field} in its JSON has there (a nil pointer, an empty value), if it has it at all. */
  static Optional<JsonNode> whenOmitted(String field) {
    return Optional.ofNullable(WHEN_OMITTED.get(field));
  }

  /**
   * {@code value} with each null where Docker's type has a slice or a map made that nil slice or
   * map ({@link NilCollection}), which Go prints as {@code []} or {@code map[]}, and each number
   * Docker's type holds as a {@code time.Duration} a {@link GoDuration}; a copy, the value itself
   * stays as it is.
   */
  static JsonNode typed(JsonNode value) {
    JsonNode copy = value.deepCopy();
    typeNils(copy, "");
    return copy;
  }

  /** Whether {@code field} holds a Go map in Docker's types, whose nil reads as empty rather than failing. */
  static boolean isMapField(String field) {
    return MAP_FIELDS.contains(field);
  }

  /** The Go type Docker gives the nil under {@code field} (null: a value of unknown type), for Go's error. */
  static String pointerType(String field) {
    return field == null ? "interface {}" : POINTER_TYPES.getOrDefault(field, "interface {}");
  }

  private static void typeNils(JsonNode value, String parent) {
    if (value.isArray()) {
      value.forEach(element -> typeNils(element, ""));
      return;
    }
    if (!(value instanceof ObjectNode object)) {
      return;
    }
    for (String name : object.properties().stream().map(Map.Entry::getKey).toList()) {
      JsonNode child = object.get(name);
      if (child.isIntegralNumber() && DURATION_FIELDS.contains(parent + "." + name)) {
        object.set(name, new GoDuration(child.longValue()));
      } else if (!child.isNull()) {
        typeNils(child, name);
      } else if (MAPS_OF_SLICES.contains(parent) || SLICE_FIELDS.contains(name)) {
        object.set(name, NilCollection.SLICE);
      } else if (nilMap(name, parent) != null) {
        object.set(name, nilMap(name, parent));
      }
    }
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
