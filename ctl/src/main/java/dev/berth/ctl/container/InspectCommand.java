package dev.berth.ctl.container;

import berth.network.v1.Attachment;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.CniResult;
import berth.network.v1.ContainerFiles;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.ListNetworksRequest;
import berth.network.v1.Mode;
import berth.network.v1.Network;
import berth.network.v1.NetworksGrpc;
import berth.network.v1.PortMapping;
import berth.volumes.v1.GetVolumeRequest;
import berth.volumes.v1.VolumesGrpc;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import containerd.services.containers.v1.Container;
import containerd.services.introspection.v1.IntrospectionGrpc;
import containerd.services.introspection.v1.PluginsRequest;
import containerd.services.tasks.v1.ListPidsRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.runc.v1.ProcessDetails;
import containerd.v1.types.ProcessInfo;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.berth.api.labels.ConnectedNetwork;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.ClientException;
import dev.berth.client.NoSuchObjectException;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.InitProcess;
import dev.berth.client.containers.NetworkConnections;
import dev.berth.client.health.Healthcheck;
import dev.berth.client.health.HealthState;
import dev.berth.client.images.ImageClient;
import dev.berth.client.spec.Spec;
import dev.berth.client.spec.SpecJson;
import dev.berth.client.system.DiskUsage;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.image.ImageInspection;
import dev.berth.ctl.network.NetworkCommand;
import dev.berth.ctl.output.Inspections;
import dev.berth.ctl.output.Template;
import dev.berth.ctl.output.Json;
import dev.berth.ctl.ErrorHandler;
import dev.berth.ctl.volume.VolumeCommand;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl inspect}: containers as docker inspect shows them. */
@Command(name = "inspect",
    description = {"Show containers as a JSON array in docker's shape: Id, Name, Created, State, Config, "
        + "HostConfig, Mounts and NetworkSettings; a name no container has is looked up among images "
        + "(as image inspect shows them), as docker does.",
        "-f takes a Go template printed once per object: field paths, json, index, range, if, with, len, join, "
            + "printf, eq and the like."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl inspect web", "  berthctl inspect web | jq '.[0].State.ExitCode'",
        "  berthctl inspect -f '{{.State.Status}} {{.NetworkSettings.IPAddress}}' web",
        "  berthctl inspect -f '{{json .Config}}' web",
        "  berthctl inspect -f '{{index .Config.Labels \"team\"}}' web",
        "  berthctl inspect -f '{{range .Mounts}}{{.Source}} {{end}}' web",
        "  berthctl inspect --type image busybox"})
public final class InspectCommand implements Callable<Integer> {
  /** docker's time for "never": the zero time of Go. */
  public static final String NEVER = "0001-01-01T00:00:00Z";

  @ParentCommand
  BerthCtl root;

  /** What {@code --type} takes. */
  enum Type { CONTAINER, IMAGE, VOLUME, NETWORK }

  @Option(names = {"-f", "--format"}, paramLabel = "TEMPLATE",
      description = "a Go template printed per object, like '{{.State.Status}}', or json")
  String format;

  // a word Docker's CLI checks once the command runs, refusing one it does not know with exit 1, not as a bad flag
  @Option(names = "--type", paramLabel = "TYPE", description = "only container, image, volume or network")
  String typeName;

  private Type type;

  @Option(names = {"-s", "--size"},
      description = "a container's SizeRw (its writable layer) and SizeRootFs (that and its image's content)")
  boolean size;

  @Parameters(paramLabel = "NAME", arity = "1..*",
      description = "container names, ids or id prefixes; or images, volumes, networks")
  List<String> names;

  @Override
  public Integer call() throws InterruptedException {
    type = typeNamed(typeName);
    Template template = Inspections.template(format);
    List<ObjectNode> found = new ArrayList<>();
    try (Connection c = root.connect()) {
      ImageClient images = new ImageClient(c.channel());
      // as Docker's: what was found, then what was not
      return root.inspectEach(names, name -> found.add(inspect(c, images, name)),
          () -> Inspections.print(root.out(), template, found));
    }
  }

  /** The type {@code --type} names, in lower case as Docker's; null for any (no flag or an empty word). */
  private static Type typeNamed(String name) {
    if (name == null || name.isEmpty()) {
      return null;
    }
    for (Type t : Type.values()) {
      if (t.name().toLowerCase(Locale.ROOT).equals(name)) {
        return t;
      }
    }
    throw new CommandFailure("\"" + name + "\" is not a valid value for --type");
  }

  /**
   * The container {@code name} names, else (without --type) the image, volume or network, in
   * Docker's order of looking.
   */
  private ObjectNode inspect(Connection c, ImageClient images, String name) {
    if (type == null || type == Type.CONTAINER) {
      try {
        ContainerState s = ContainerState.of(c.channel(), ContainerArgument.resolve(c.channel(), name));
        ObjectNode container = inspect(c, images, s, root.namespace());
        if (size) {
          addSizes(c, images, s.record(), container);
        }
        return container;
      } catch (NoSuchObjectException e) {
        if (type == Type.CONTAINER) {
          throw e;
        }
      }
    }
    if (type == null || type == Type.IMAGE) {
      try {
        return ImageInspection.of(images, ImageInspection.resolve(images, name), images.list());
      } catch (CommandFailure e) {
        if (type == Type.IMAGE) {
          throw e;
        }
      }
    }
    if (type == null || type == Type.VOLUME) {
      Optional<ObjectNode> volume = found("volume", name, () -> VolumeCommand.inspection(VolumesGrpc
          .newBlockingStub(c.channel()).get(GetVolumeRequest.newBuilder().setName(name).build()).getVolume()));
      if (volume.isPresent()) {
        return volume.get();
      }
    }
    if (type == null || type == Type.NETWORK) {
      Optional<ObjectNode> network = found("network", name, () -> NetworkCommand.inspection(c, name));
      if (network.isPresent()) {
        return network.get();
      }
    }
    if (type == Type.VOLUME) {
      throw NoSuchObjectException.volume(name, null);
    }
    if (type == Type.NETWORK) {
      throw NoSuchObjectException.network(name, null);
    }
    throw new CommandFailure("Error: No such object: " + name);
  }

  /**
   * What {@code lookup} finds, as JSON; empty where there is no such {@code kind} (NOT_FOUND, or a
   * berthd that serves no such objects).
   */
  private static Optional<ObjectNode> found(String kind, String name, Supplier<Map<String, Object>> lookup) {
    try {
      return Optional.of(Json.mapper().valueToTree(lookup.get()));
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code == Status.Code.NOT_FOUND || code == Status.Code.UNIMPLEMENTED || code == Status.Code.INVALID_ARGUMENT) {
        return Optional.empty();
      }
      throw ErrorHandler.naming(kind, name, e);
    }
  }

  /** docker's {@code SizeRw} and {@code SizeRootFs}, measured as {@code ps -s} measures them. */
  private static void addSizes(Connection c, ImageClient images, Container record, ObjectNode container) {
    long writable = new DiskUsage(c.channel()).writableLayer(record);
    long image;
    try {
      image = images.content(images.imageOf(record)).size();
    } catch (ClientException | StatusRuntimeException e) {
      image = 0;
    }
    container.put("SizeRw", writable);
    container.put("SizeRootFs", writable + image);
  }

  /** Docker's {@code Image}: the id recorded at create, else (a record made elsewhere) its image's id now. */
  private static String imageId(ImageClient images, Container record, ContainerConfig config) {
    if (!config.imageId().isEmpty() || record.getImage().isEmpty()) {
      return config.imageId();
    }
    try {
      return images.resolve(record.getImage()).target().digest();
    } catch (ClientException | StatusRuntimeException e) {
      return "";
    }
  }

  private static ObjectNode inspect(Connection c, ImageClient images, ContainerState s, String namespace) {
    Spec spec = spec(s);
    ContainerConfig config = ContainerConfig.of(s.record());
    ObjectNode json = Json.mapper().createObjectNode();
    json.put("Id", s.id());
    json.put("Created", s.createdAt().toString());
    List<String> args = spec == null || spec.process() == null ? List.of()
        : InitProcess.userCommand(spec.process().args());
    json.put("Path", args.isEmpty() ? "" : args.get(0));
    ArrayNode rest = json.putArray("Args");
    args.stream().skip(1).forEach(rest::add);
    ObjectNode state = json.putObject("State");
    state.put("Status", s.status());
    // as docker's: a container waiting to be restarted counts as running, with no process
    state.put("Running", s.running() || s.restarting());
    state.put("Paused", s.paused());
    state.put("Restarting", s.restarting());
    // berthd keeps an OOM kill on the record until the container's next task
    state.put("OOMKilled", ContainerLabels.TRUE.equals(s.record().getLabelsMap().get(ContainerLabels.OOM_KILLED)));
    state.put("Dead", s.status().equals("dead"));
    state.put("Pid", s.pid());
    // as Docker's: a failed start leaves the container as it was (created or exited), with its reason and code
    state.put("ExitCode", s.exitCode());
    state.put("Error", s.record().getLabelsMap().getOrDefault(ContainerLabels.START_ERROR, ""));
    state.put("StartedAt", s.startedAt().map(Object::toString).orElse(NEVER));
    state.put("FinishedAt", s.finishedAt().map(Object::toString).orElse(NEVER));
    if (config.healthcheck().isPresent()) {
      state.set("Health", HealthState.of(s.record()).orElse(HealthState.starting()).toJson());
    }
    json.put("Image", imageId(images, s.record(), config));
    List<Attachment> attachments = attachments(c, s);
    ContainerFiles files = files(attachments);
    json.put("ResolvConfPath", files.getResolvConf());
    json.put("HostnamePath", files.getHostname());
    json.put("HostsPath", files.getHosts());
    json.put("LogPath", logPath(c, s, namespace));
    json.put("Name", "/" + s.name());
    json.put("RestartCount", s.restartCount());
    json.put("Driver", s.record().getSnapshotter());
    json.put("Platform", "linux");
    // no SELinux labels and no AppArmor profile: runc applies none Berth asks for
    json.put("MountLabel", "").put("ProcessLabel", "").put("AppArmorProfile", "");
    json.set("ExecIDs", execIds(c, s));
    json.set("HostConfig", hostConfig(config, spec));
    json.set("GraphDriver", GraphDriverJson.of(c.channel(), s));
    json.set("Mounts", dockerMounts(config.mounts()));
    json.set("Config", ZeroValuedFields.config(withoutZeroHealthcheckFields(config.config())));
    json.set("NetworkSettings", network(c, s, config, attachments));
    return json;
  }

  /**
   * {@code config} with its health check's zero fields left out, as Docker's JSON leaves them
   * (omitempty): a check recorded by an earlier Berth has them all ({@code "Retries": 0}).
   */
  private static ObjectNode withoutZeroHealthcheckFields(ObjectNode config) {
    Healthcheck.fromJson(config.get("Healthcheck"))
        .ifPresent(check -> check.writeTo(config.putObject("Healthcheck")));
    return config;
  }

  /** The name of Docker's default network, whose endpoint alone fills NetworkSettings' top-level fields. */
  private static final String DEFAULT_BRIDGE = "bridge";

  /** Docker's MountPoint fields, in the order its JSON has them. */
  private static final List<String> MOUNT_POINT_FIELDS =
      List.of("Type", "Name", "Source", "Destination", "Driver", "Mode", "RW", "Propagation");

  /**
   * The mounts recorded at create as Docker's MountPoints: its fields in its order, less what
   * Berth keeps for itself (Anonymous, for rm -v).
   */
  private static ArrayNode dockerMounts(ArrayNode recorded) {
    if (recorded == null) {
      return null;
    }
    ArrayNode mounts = JsonNodeFactory.instance.arrayNode();
    for (JsonNode m : recorded) {
      ObjectNode mount = mounts.addObject();
      MOUNT_POINT_FIELDS.stream().filter(m::has).forEach(f -> mount.set(f, m.get(f)));
    }
    return mounts;
  }

  /**
   * Docker's HostConfig as recorded at create, with Docker's fields Berth has no such thing as at
   * their zero values, and the paths the runtime masks or makes read-only in the container (none,
   * null, when privileged), as the container's spec has them.
   */
  private static ObjectNode hostConfig(ContainerConfig config, Spec spec) {
    ObjectNode host = ZeroValuedFields.hostConfig(config.hostConfig());
    Spec.Linux linux = spec == null ? null : spec.linux();
    paths(host, "MaskedPaths", linux == null ? List.of() : linux.maskedPaths());
    paths(host, "ReadonlyPaths", linux == null ? List.of() : linux.readonlyPaths());
    return host;
  }

  private static void paths(ObjectNode host, String field, List<String> paths) {
    if (paths.isEmpty()) {
      host.putNull(field);
    } else {
      paths.forEach(host.putArray(field)::add);
    }
  }

  /** The container's network attachments (none once its task has ended, or where berthd has no network service). */
  private static List<Attachment> attachments(Connection c, ContainerState s) {
    try {
      return AttachmentsGrpc.newBlockingStub(c.channel()).list(ListAttachmentsRequest.newBuilder()
          .addFilters("container_id==\"" + s.id() + "\"").build()).getAttachmentsList();
    } catch (StatusRuntimeException e) {
      return List.of();
    }
  }

  /**
   * Docker's {@code ResolvConfPath}, {@code HostnamePath} and {@code HostsPath}: the files the
   * network service wrote for the container and the tasks service bind-mounted as its
   * /etc/resolv.conf, /etc/hostname and /etc/hosts, as its attachment names them. They go with the
   * attachment when the container's process ends, so a container that is not running has none
   * (empty, as Docker's has before its first start).
   */
  private static ContainerFiles files(List<Attachment> attachments) {
    return attachments.stream().map(Attachment::getFiles).filter(f -> !f.getHosts().isEmpty()).findFirst()
        .orElse(ContainerFiles.getDefaultInstance());
  }

  /**
   * Docker's {@code ExecIDs}: the exec processes running in the container, as its task's process
   * list names them (runc's process details, as {@code ctr task ps} shows them); null when none.
   */
  private static JsonNode execIds(Connection c, ContainerState s) {
    if (!s.running()) {
      return NullNode.getInstance();
    }
    List<ProcessInfo> processes;
    try {
      processes = TasksGrpc.newBlockingStub(c.channel())
          .listPids(ListPidsRequest.newBuilder().setContainerId(s.id()).build()).getProcessesList();
    } catch (StatusRuntimeException e) {
      // ended meanwhile
      return NullNode.getInstance();
    }
    ArrayNode ids = Json.mapper().createArrayNode();
    String detailsType = ProcessDetails.getDescriptor().getFullName();
    for (ProcessInfo p : processes) {
      // named as containerd names it, by the message's full name alone (no type.googleapis.com/)
      String type = p.getInfo().getTypeUrl();
      if (type.equals(detailsType) || type.endsWith("/" + detailsType)) {
        try {
          String id = ProcessDetails.parseFrom(p.getInfo().getValue()).getExecId();
          if (!id.isEmpty()) {
            ids.add(id);
          }
        } catch (InvalidProtocolBufferException e) {
          // not runc's details after all: no exec to name
        }
      }
    }
    return ids.isEmpty() ? NullNode.getInstance() : ids;
  }

  /**
   * Docker's {@code LogPath}: the file the container's monitor writes its output to, as its label
   * names it, else under berthd's state directory (which berthd's introspection exports); empty
   * with {@code --log-driver none}, as Docker's.
   */
  private static String logPath(Connection c, ContainerState s, String namespace) {
    Map<String, String> labels = s.record().getLabelsMap();
    if (ContainerLabels.LOG_DRIVER_NONE.equals(labels.get(ContainerLabels.LOG_DRIVER))) {
      return "";
    }
    String own = labels.getOrDefault(ContainerLabels.LOG_PATH, "");
    if (!own.isEmpty()) {
      return own;
    }
    String state = IntrospectionGrpc.newBlockingStub(c.channel())
        .plugins(PluginsRequest.newBuilder().addFilters("id==introspection").build()).getPluginsList().stream()
        .map(p -> p.getExportsOrDefault("state", "")).findFirst().orElse("");
    return state.isEmpty() ? "" : Path.of(state, "logs", namespace, s.id() + ".log").toString();
  }

  private static Spec spec(ContainerState s) {
    try {
      return SpecJson.fromAny(s.record().getSpec());
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * docker's NetworkSettings from the container's attachments. As in Docker, a stopped container
   * still lists its networks (with no address): those it is made and connected to, whose
   * attachments go with its task; a network it shares with another container (container:ID) is that one's.
   */
  private static JsonNode network(Connection c, ContainerState s, ContainerConfig config,
      List<Attachment> attachments) {
    ObjectNode settings = Json.mapper().createObjectNode();
    // in Docker's order; Docker never sets Bridge, HairpinMode and the link-local and secondary addresses
    // either
    settings.put("Bridge", "");
    String sandboxKey = sandboxKey(s, attachments);
    settings.put("SandboxID", sandboxKey.isEmpty() ? "" : sandboxId(attachments));
    settings.put("SandboxKey", sandboxKey);
    ObjectNode ports = settings.putObject("Ports");
    settings.put("HairpinMode", false).put("LinkLocalIPv6Address", "").put("LinkLocalIPv6PrefixLen", 0);
    settings.putNull("SecondaryIPAddresses");
    settings.putNull("SecondaryIPv6Addresses");
    settings.put("EndpointID", "");
    settings.put("Gateway", "");
    settings.put("GlobalIPv6Address", "").put("GlobalIPv6PrefixLen", 0);
    settings.put("IPAddress", "");
    settings.put("IPPrefixLen", 0);
    settings.put("IPv6Gateway", "");
    settings.put("MacAddress", "");
    ObjectNode networks = settings.putObject("Networks");
    Map<String, Network> known = new HashMap<>();
    try {
      NetworksGrpc.newBlockingStub(c.channel()).list(ListNetworksRequest.getDefaultInstance()).getNetworksList()
          .forEach(n -> known.put(n.getName(), n));
    } catch (StatusRuntimeException e) {
      // no network service: the container's networks without their ids
    }
    String hostname = config.config().path("Hostname").asText("");
    for (String network : NetworkConnections.networks(s.record())) {
      // Docker's daemon names an endpoint on a user-defined network when it joins the container to it (at
      // every start, at a network connect) and keeps the names once it stops: a container never started has
      // none on the networks it was created with
      endpoint(networks, network, known, s, hostname,
          s.everStarted() || NetworkConnections.connectedLater(s.record(), network));
    }
    // sorted, as Go writes a map
    Map<String, ArrayNode> published = new TreeMap<>();
    JsonNode exposed = config.config().path("ExposedPorts");
    for (Attachment a : attachments) {
      if (a.getMode() == Mode.CONTAINER) {
        // in another's network namespace, as Docker shows it: no network of its own
        continue;
      }
      if (a.getMode() == Mode.NONE && NetworkConnections.leftWithoutNetworks(s.record())) {
        // started since its last network was disconnected: Docker's has no network at all
        continue;
      }
      ObjectNode endpoint = endpoint(networks, a.getNetwork(), known, s, hostname, true);
      endpoint.put("EndpointID", a.getEndpointId());
      if (a.getMode() != Mode.BRIDGE) {
        // host and none: no address of the container's own (none's loopback is no network address)
        continue;
      }
      CniResult result = a.getResult();
      // the IPv4 address, then on a network with IPv6 the IPv6 one
      for (CniResult.IpConfig ip : result.getIpsList()) {
        String[] cidr = ip.getAddress().split("/");
        if (cidr[0].contains(":")) {
          endpoint.put("IPv6Gateway", ip.getGateway()).put("GlobalIPv6Address", cidr[0])
              .put("GlobalIPv6PrefixLen", cidr.length > 1 ? Integer.parseInt(cidr[1]) : 128);
          continue;
        }
        endpoint.put("IPAddress", cidr[0]).put("IPPrefixLen", cidr.length > 1 ? Integer.parseInt(cidr[1]) : 32)
            .put("Gateway", ip.getGateway());
        if (ip.hasInterface() && ip.getInterface() < result.getInterfacesCount()) {
          endpoint.put("MacAddress", result.getInterfaces(ip.getInterface()).getMac());
        }
      }
      if (a.getNetwork().equals(DEFAULT_BRIDGE)) {
        // Docker's deprecated top-level fields are the default bridge's endpoint alone, empty on
        // any other network (its getDefaultNetworkSettings)
        settings.put("EndpointID", a.getEndpointId())
            .put("IPAddress", endpoint.path("IPAddress").asText())
            .put("IPPrefixLen", endpoint.path("IPPrefixLen").asInt())
            .put("Gateway", endpoint.path("Gateway").asText())
            .put("MacAddress", endpoint.path("MacAddress").asText())
            .put("GlobalIPv6Address", endpoint.path("GlobalIPv6Address").asText())
            .put("GlobalIPv6PrefixLen", endpoint.path("GlobalIPv6PrefixLen").asInt())
            .put("IPv6Gateway", endpoint.path("IPv6Gateway").asText());
      }
      for (PortMapping p : a.getPortMappingsList()) {
        ArrayNode bindings = published.computeIfAbsent(p.getContainerPort() + "/"
            + (p.getProtocol().isEmpty() ? "tcp" : p.getProtocol()), port -> ports.arrayNode());
        bindings.addObject().put("HostIp", p.getHostIp().isEmpty() ? "0.0.0.0" : p.getHostIp())
            .put("HostPort", Integer.toString(p.getHostPort()));
      }
      // as Docker's: the ports exposed and not published too, with no bindings
      exposed.fieldNames().forEachRemaining(port -> published.putIfAbsent(port, null));
    }
    published.forEach((port, bindings) -> ports.set(port, bindings == null ? NullNode.getInstance() : bindings));
    // by name, as Go writes Docker's map of endpoints, not in the order they were joined
    List<String> names = new ArrayList<>();
    networks.fieldNames().forEachRemaining(names::add);
    ObjectNode sorted = settings.objectNode();
    names.stream().sorted().forEach(name -> sorted.set(name, networks.get(name)));
    settings.set("Networks", sorted);
    return settings;
  }

  /**
   * Docker's {@code SandboxKey}, the container's network namespace while it runs, for
   * {@code nsenter --net=}: the one the network service made for it (or that of the container
   * whose network it shares), else (host network) its process's.
   */
  private static String sandboxKey(ContainerState s, List<Attachment> attachments) {
    if (!s.running() || s.pid() <= 0) {
      return "";
    }
    return attachments.stream().map(Attachment::getNetnsPath).filter(path -> !path.isEmpty()).findFirst()
        .orElse("/proc/" + s.pid() + "/ns/net");
  }

  /**
   * Docker's {@code SandboxID}, as the network service names the container's namespace; none
   * for a container in another's ({@code container:NAME}), as Docker's.
   */
  private static String sandboxId(List<Attachment> attachments) {
    return attachments.stream().map(Attachment::getSandboxId).filter(id -> !id.isEmpty()).findFirst().orElse("");
  }

  /**
   * An empty endpoint of docker's shape for {@code network}, with the aliases the container is
   * configured with there; {@code DNSNames}, the names peers resolve, when {@code named} on a
   * user-defined network, as Docker 27 has them: its name, the aliases, its short id and its
   * {@code hostname} ({@code Config.Hostname}), each once.
   */
  private static ObjectNode endpoint(ObjectNode networks, String network, Map<String, Network> known, ContainerState s,
      String hostname, boolean named) {
    ObjectNode endpoint = networks.putObject(network);
    Optional<ConnectedNetwork> ipamConfig = NetworkConnections.ipamConfig(s.record(), network);
    if (ipamConfig.isEmpty()) {
      endpoint.putNull("IPAMConfig");
    } else {
      ConnectedNetwork requested = ipamConfig.get();
      // Docker's: the addresses asked for by --ip, --ip6 and --link-local-ip, each left out when not asked for
      ObjectNode ipam = endpoint.putObject("IPAMConfig");
      if (!requested.ip().isEmpty()) {
        ipam.put("IPv4Address", requested.ip());
      }
      if (!requested.ip6().isEmpty()) {
        ipam.put("IPv6Address", requested.ip6());
      }
      if (!requested.linkLocalIps().isEmpty()) {
        requested.linkLocalIps().forEach(ipam.putArray("LinkLocalIPs")::add);
      }
    }
    endpoint.putNull("Links");
    List<String> aliases = NetworkConnections.aliases(s.record(), network);
    if (aliases.isEmpty()) {
      endpoint.putNull("Aliases");
    } else {
      aliases.forEach(endpoint.putArray("Aliases")::add);
    }
    endpoint.put("MacAddress", "");
    endpoint.putNull("DriverOpts");
    Network n = known.get(network);
    endpoint.put("NetworkID", n == null ? "" : n.getId());
    endpoint.put("EndpointID", "");
    endpoint.put("Gateway", "").put("IPAddress", "").put("IPPrefixLen", 0);
    endpoint.put("IPv6Gateway", "").put("GlobalIPv6Address", "").put("GlobalIPv6PrefixLen", 0);
    if (named && n != null && !n.getIsDefault()) {
      Set<String> names = new LinkedHashSet<>();
      names.add(s.name());
      names.addAll(aliases);
      names.add(s.id().substring(0, Math.min(12, s.id().length())));
      if (!hostname.isEmpty()) {
        names.add(hostname);
      }
      names.forEach(endpoint.putArray("DNSNames")::add);
    } else {
      endpoint.putNull("DNSNames");
    }
    return endpoint;
  }
}
