package dev.berth.ctl.container;

import berth.network.v1.Attachment;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.GetNetworkRequest;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.ListAttachmentsResponse;
import berth.network.v1.NetworksGrpc;
import berth.network.v1.PortMapping;
import com.google.protobuf.Any;
import containerd.services.containers.v1.Container;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.images.v1.ListImagesRequest;
import containerd.services.images.v1.ListImagesResponse;
import containerd.services.tasks.v1.ListTasksRequest;
import containerd.services.tasks.v1.ListTasksResponse;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.v1.types.Process;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.labels.LabelLists;
import dev.berth.api.labels.PortSpec;
import dev.berth.client.ClientException;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.InitProcess;
import dev.berth.client.containers.NetworkConnections;
import dev.berth.client.health.HealthState;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.ImageUsers;
import dev.berth.client.spec.SpecJson;
import dev.berth.client.system.DiskUsage;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.flags.PflagTypes;
import dev.berth.ctl.output.Durations;
import dev.berth.ctl.output.InvalidFilter;
import dev.berth.ctl.output.JsonPaths;
import dev.berth.ctl.output.TemplateContext;
import dev.berth.ctl.output.TemplateFormatOption;
import dev.berth.ctl.output.Output;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl ps}: the containers of the namespace, as docker ps shows them. */
@Command(name = "ps",
    description = {"List containers, newest first: running ones, or all with -a.",
        "Filters (--filter KEY=VALUE, repeatable; values of one key are alternatives, except label=, of which "
            + "every one must match; different keys must all match): status=created|running|paused|exited, name=REGEX, label=KEY or label=KEY=VALUE, id=PREFIX, "
            + "ancestor=IMAGE (a name or an image id: containers using that image; a repository without tag: any "
            + "of its tags), exited=CODE, network=NAME|ID, volume=NAME|PATH (a volume, a bind's host path, or "
            + "where either is mounted), before=CONTAINER and since=CONTAINER (made "
            + "before or after it), publish=PORT[/PROTOCOL] or a range (8000-8080/tcp) of container ports, "
            + "expose=PORT[/PROTOCOL] or a range of exposed ports (published ones too), is-task=false (no container "
            + "here is a swarm task) and isolation= (which Linux has no kinds of: every container matches)."},
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl ps", "  berthctl ps -a", "  berthctl ps -aq", "  berthctl ps -n 2",
        "  berthctl ps -a --filter status=exited --filter label=team=web", "  berthctl ps -a -f ancestor=busybox",
        "  berthctl ps -a -f exited=137", "  berthctl ps -s", "  berthctl ps --format json",
        "  berthctl ps --format '{{.Names}}: {{.Status}}'", "  berthctl ps --format 'table {{.ID}}\\t{{.Names}}\\t{{.State}}'"})
public final class PsCommand implements Callable<Integer> {
  static final int SHORT_ID = 12;
  private static final List<String> HEALTH = List.of("starting", "healthy", "unhealthy", "none");
  private static final List<String> FILTER_KEYS = List.of("status", "name", "label", "id", "ancestor", "exited",
      "health", "network", "volume", "before", "since", "publish", "expose", "isolation", "is-task");
  private static final Set<String> STATES = Set.of("created", "running", "paused", "exited", "restarting",
      "removing", "dead");

  @ParentCommand
  BerthCtl root;

  @Option(names = {"-a", "--all"}, description = "all containers, not only running ones")
  boolean all;

  @Option(names = {"-n", "--last"}, converter = PflagTypes.Int64.class, paramLabel = "N", defaultValue = "-1",
      description = "the N containers created last, in any state (0: no limit)")
  long last;

  @Option(names = {"-l", "--latest"}, description = "the container created last, in any state")
  boolean latest;

  @Option(names = {"-q", "--quiet"}, description = "print ids only")
  boolean quiet;

  @Option(names = "--no-trunc", description = "print full ids and commands")
  boolean noTrunc;

  @Option(names = {"-s", "--size"},
      description = "the size of each container's writable layer, and with its image's (virtual)")
  boolean size;

  @Option(names = {"-f", "--filter"}, converter = PflagTypes.Filter.class, preprocessor = PflagTypes.Filter.class,
      paramLabel = "KEY=VALUE", description = "only containers that match (repeatable)")
  List<String> filters = new ArrayList<>();

  @Mixin
  TemplateFormatOption format;

  @Override
  public Integer call() {
    // as Docker: a template that shows sizes asks for them
    size |= format.names("Size");
    // as Docker's: -l is -n 1 unless -n is given, and -n 0 is no limit, only running containers
    long limit = latest && last == -1 ? 1 : last;
    Map<String, List<String>> byKey = filters();
    List<ContainerState> shown = new ArrayList<>();
    Map<String, List<PortMapping>> ports = new HashMap<>();
    Map<String, String> sizes = new HashMap<>();
    Map<String, String> imageIds = new HashMap<>();
    try (Connection c = root.connect()) {
      // the three lists are asked for at once: berthd answers them on threads of their own
      Future<ListTasksResponse> taskList =
          TasksGrpc.newFutureStub(c.channel()).list(ListTasksRequest.getDefaultInstance());
      Future<ListAttachmentsResponse> attachments = quiet ? null
          : AttachmentsGrpc.newFutureStub(c.channel()).list(ListAttachmentsRequest.getDefaultInstance());
      Future<ListImagesResponse> imageList = quiet ? null
          : ImagesGrpc.newFutureStub(c.channel()).list(ListImagesRequest.getDefaultInstance());
      List<Container> records = c.containers().list();
      Map<String, Instant> created = createdOfReferences(c, byKey);
      Ancestors ancestors = Ancestors.of(c, byKey.getOrDefault("ancestor", List.of()));
      byKey.computeIfPresent("network", (key, values) -> networkNames(c, values));
      Map<String, Process> tasks = new HashMap<>();
      answer(taskList).getTasksList().forEach(t -> tasks.put(t.getContainerId(), t));
      for (Container record : records) {
        ContainerState s = new ContainerState(record, Optional.ofNullable(tasks.get(record.getId())));
        // as Docker's daemon: a status= filter implies -a (exited= does not: it needs -a or -n)
        boolean any = all || limit > 0 || byKey.containsKey("status");
        if ((any || s.running() || s.restarting()) && matches(s, byKey, created, ancestors)) {
          shown.add(s);
        }
      }
      if (!quiet && !shown.isEmpty()) {
        ports.putAll(ports(attachments));
        answer(imageList).getImagesList().forEach(i -> imageIds.put(i.getName(), i.getTarget().getDigest()));
      }
      if (size && !quiet) {
        sizes.putAll(sizes(c, shown));
      }
    }
    // newest first; a lambda of this class's own, which the start-up cache holds ready, where
    // Comparator.comparing's own is spun at each run (~3 ms)
    shown.sort((a, b) -> b.createdAt().compareTo(a.createdAt()));
    if (limit > 0 && shown.size() > limit) {
      shown.subList((int) limit, shown.size()).clear();
    }
    if (quiet) {
      Output.lines(root.out(), shown.stream().map(this::id).toList());
      return 0;
    }
    Instant now = Instant.now();
    if (format.templated() || format.json()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (ContainerState s : shown) {
        rows.add(templateRow(s, ports, sizes, imageIds, now));
      }
      format.printRows(root.out(), TemplateContext.CONTAINERS, HEADERS, rows);
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (ContainerState s : shown) {
      List<String> row = new ArrayList<>(List.of(id(s), ContainerColumns.image(s.record(), imageIds, !noTrunc),
          ContainerColumns.command(s.record(), !noTrunc), Durations.ago(s.createdAt(), now),
          ContainerColumns.status(s, now), ports(s, ports), s.name()));
      if (size) {
        row.add(sizes.get(s.id()));
      }
      rows.add(row);
    }
    List<String> headers = new ArrayList<>(List.of("CONTAINER ID", "IMAGE", "COMMAND", "CREATED", "STATUS", "PORTS",
        "NAMES"));
    if (size) {
      headers.add("SIZE");
    }
    Output.table(root.out(), headers, rows);
    return 0;
  }

  /**
   * Docker's SIZE for each container: its writable layer, and that plus its image's content
   * ({@code 12B (virtual 2.31MB)}); an image no longer there adds nothing.
   */
  private static Map<String, String> sizes(Connection c, List<ContainerState> shown) {
    DiskUsage usage = new DiskUsage(c.channel());
    ImageClient images = new ImageClient(c.channel());
    Map<String, Long> imageSizes = new HashMap<>();
    Map<String, String> sizes = new HashMap<>();
    for (ContainerState s : shown) {
      long writable = usage.writableLayer(s.record());
      long image = imageSizes.computeIfAbsent(s.record().getImage(), name -> imageSize(images, name));
      sizes.put(s.id(), Output.size(writable) + " (virtual " + Output.size(writable + image) + ")");
    }
    return sizes;
  }

  private static long imageSize(ImageClient images, String name) {
    if (name.isEmpty()) {
      return 0;
    }
    try {
      return images.content(images.resolve(name)).size();
    } catch (ClientException | StatusRuntimeException e) {
      return 0;
    }
  }

  /** A container as docker's {@code ps --format} templates and {@code --format json} see it. */
  private Map<String, Object> templateRow(ContainerState s, Map<String, List<PortMapping>> ports,
      Map<String, String> sizes, Map<String, String> imageIds, Instant now) {
    // Docker's for sizes it did not count (json without -s)
    return ContainerRow.of(s, ports.getOrDefault(s.id(), List.of()), imageIds, sizes.getOrDefault(s.id(), "0B"),
        !noTrunc, now);
  }

  /** Docker's column titles of the fields a template names. */
  private static final Map<String, String> HEADERS = Map.ofEntries(Map.entry("ID", "CONTAINER ID"),
      Map.entry("Image", "IMAGE"), Map.entry("Command", "COMMAND"), Map.entry("CreatedAt", "CREATED AT"),
      Map.entry("RunningFor", "CREATED"), Map.entry("Ports", "PORTS"), Map.entry("State", "STATE"),
      Map.entry("Status", "STATUS"), Map.entry("Names", "NAMES"), Map.entry("Labels", "LABELS"),
      Map.entry("Networks", "NETWORKS"), Map.entry("Size", "SIZE"), Map.entry("Mounts", "MOUNTS"),
      Map.entry("LocalVolumes", "LOCAL VOLUMES"));

  private String id(ContainerState s) {
    return noTrunc ? s.id() : s.id().substring(0, Math.min(SHORT_ID, s.id().length()));
  }

  private Map<String, List<String>> filters() {
    Map<String, List<String>> byKey = new HashMap<>();
    for (String f : filters) {
      int equals = f.indexOf('=');
      String key = equals < 0 ? f : f.substring(0, equals);
      if (equals < 0 || !FILTER_KEYS.contains(key)) {
        throw InvalidFilter.key(key, FILTER_KEYS);
      }
      String value = f.substring(equals + 1);
      if (key.equals("exited") && !value.matches("-?[0-9]{1,9}")) {
        throw InvalidFilter.value(key, value, "an exit code is a number");
      }
      if (key.equals("health") && !HEALTH.contains(value)) {
        throw InvalidFilter.value(key, value, "one of " + String.join(", ", HEALTH));
      }
      if (key.equals("status") && !STATES.contains(value)) {
        throw InvalidFilter.value(key, value, "one of " + String.join(", ", STATES.stream().sorted().toList()));
      }
      if ((key.equals("publish") || key.equals("expose")) && !value.matches("\\d{1,5}(-\\d{1,5})?(/(tcp|udp|sctp))?")) {
        throw InvalidFilter.value(key, value, "a port or range, with /tcp or /udp or not");
      }
      if (key.equals("is-task") && !value.equals("true") && !value.equals("false")) {
        throw InvalidFilter.value(key, value, "true or false");
      }
      byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    return byKey;
  }

  /**
   * Docker's daemon's {@code name=}: a regular expression found in the name. Its names begin with
   * '/', which the expression sees too ({@code name=^/web$} is an exact match). A value that is no
   * regular expression ({@code name=[}) matches nothing, without an error, as Docker's daemon
   * passes over it.
   */
  static boolean named(String name, String filter) {
    try {
      Pattern pattern = Pattern.compile(filter);
      return pattern.matcher(name).find() || pattern.matcher("/" + name).find();
    } catch (PatternSyntaxException e) {
      return false;
    }
  }

  /**
   * When the containers that {@code before=} and {@code since=} name were made, by the filter's
   * value (a name, an id or an id prefix), as Docker resolves them.
   */
  private static Map<String, Instant> createdOfReferences(Connection c, Map<String, List<String>> byKey) {
    Map<String, Instant> created = new HashMap<>();
    for (String key : List.of("before", "since")) {
      for (String value : byKey.getOrDefault(key, List.of())) {
        created.put(value, ProtoTimes.toInstant(c.containers().resolve(value).getCreatedAt()));
      }
    }
    return created;
  }

  /** Whether the container publishes {@code wanted} ({@code 80}, {@code 80/udp}, {@code 8000-8080/tcp}). */
  private static boolean publishes(Container record, String wanted) {
    List<String> published = new ArrayList<>();
    for (String label : LabelLists.split(record.getLabelsMap().get(ContainerLabels.PORTS))) {
      PortSpec p = PortSpec.parseLabel(label);
      published.add(p.containerPort() + "/" + p.protocol());
    }
    return anyInRange(published, wanted);
  }

  /** Whether the container exposes {@code wanted}, as {@code publish=} takes it; published ports are exposed too, as in Docker. */
  static boolean exposes(Container record, String wanted) {
    return anyInRange(ContainerRow.exposedPorts(record), wanted);
  }

  /** Whether one of {@code ports} ({@code 80/tcp}) is in {@code wanted} ({@code 80}, {@code 80/udp}, {@code 8000-8080/tcp}). */
  private static boolean anyInRange(List<String> ports, String wanted) {
    int slash = wanted.indexOf('/');
    String protocol = slash < 0 ? PortSpec.TCP : wanted.substring(slash + 1);
    String range = slash < 0 ? wanted : wanted.substring(0, slash);
    int dash = range.indexOf('-');
    int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
    int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
    for (String port : ports) {
      int at = port.indexOf('/');
      String number = at < 0 ? port : port.substring(0, at);
      if ((at < 0 ? PortSpec.TCP : port.substring(at + 1)).equals(protocol) && number.matches("\\d{1,5}")
          && Integer.parseInt(number) >= first && Integer.parseInt(number) <= last) {
        return true;
      }
    }
    return false;
  }

  /**
   * Docker's {@code volume=}: whether the container mounts the volume of that name, the host path
   * of a bind, or anything at that path inside it.
   */
  static boolean mountsVolume(Container record, String wanted) {
    Any config = record.getExtensionsMap().get(ContainerConfig.EXTENSION);
    if (config == null) {
      // another client's record: the volumes Berth's label names
      return LabelLists.split(record.getLabelsMap().get(ContainerLabels.VOLUMES)).contains(wanted);
    }
    for (Map<String, String> m : JsonPaths.objects(config.getValue().toByteArray(), "Mounts")) {
      String name = m.getOrDefault("Name", "").isEmpty() ? m.getOrDefault("Source", "") : m.get("Name");
      if (wanted.equals(name) || wanted.equals(m.get("Destination"))) {
        return true;
      }
    }
    return false;
  }

  /** The names of the networks {@code values} give by name, id or id prefix; a value naming none stays as it is. */
  private static List<String> networkNames(Connection c, List<String> values) {
    NetworksGrpc.NetworksBlockingStub networks = NetworksGrpc.newBlockingStub(c.channel());
    List<String> names = new ArrayList<>();
    for (String value : values) {
      try {
        names.add(networks.get(GetNetworkRequest.newBuilder().setName(value).build()).getNetwork().getName());
      } catch (StatusRuntimeException e) {
        names.add(value);
      }
    }
    return names;
  }

  private static boolean matches(ContainerState s, Map<String, List<String>> byKey, Map<String, Instant> created,
      Ancestors ancestors) {
    for (Map.Entry<String, List<String>> e : byKey.entrySet()) {
      Predicate<String> matching = value -> switch (e.getKey()) {
        case "before" -> s.createdAt().isBefore(created.get(value));
        case "since" -> s.createdAt().isAfter(created.get(value));
        case "publish" -> publishes(s.record(), value);
        case "expose" -> exposes(s.record(), value);
        case "status" -> s.status().equals(value);
        case "name" -> named(s.name(), value);
        case "id" -> s.id().startsWith(value);
        case "ancestor" -> ancestors.matches(s.record(), value);
        case "exited" -> (s.exited() || s.ranBefore()) && s.exitCode() == Integer.parseInt(value);
        case "network" -> NetworkConnections.networks(s.record()).contains(value);
        case "volume" -> mountsVolume(s.record(), value);
        case "health" -> ContainerColumns.health(s).equals(value);
        // no container here is a swarm service's task
        case "is-task" -> value.equals("false");
        // as Docker's daemon on Linux, where isolation is Windows' alone: every container matches
        case "isolation" -> true;
        default -> label(s.record(), value);
      };
      // as Docker's daemon: a container must carry every label asked for
      boolean matched = e.getKey().equals("label") ? e.getValue().stream().allMatch(matching)
          : e.getValue().stream().anyMatch(matching);
      if (!matched) {
        return false;
      }
    }
    return true;
  }

  /**
   * The images that {@code ancestor=} values name, each resolved once as {@code image inspect}
   * resolves it (a name, an image id, {@code sha256:} and all or a unique prefix of it), and the
   * image id of each name, for records other clients made with a name alone.
   */
  private record Ancestors(Map<String, String> idByValue, Map<String, String> idByName) {
    static Ancestors of(Connection c, List<String> values) {
      if (values.isEmpty()) {
        return new Ancestors(Map.of(), Map.of());
      }
      ImageClient images = new ImageClient(c.channel());
      Map<String, String> idByValue = new HashMap<>();
      for (String value : values) {
        try {
          idByValue.put(value, images.resolve(value).target().digest());
        } catch (ClientException | StatusRuntimeException e) {
          // as Docker: an image not found (or an ambiguous prefix) is no image, so no container matches by id
          idByValue.put(value, "");
        }
      }
      return new Ancestors(idByValue, ImageUsers.idByName(images.list()));
    }

    /**
     * Whether the container uses image {@code wanted}: by image id, the one recorded at create
     * (whichever name it was created through) or, for another client's record, its name's now;
     * or, Berth's own, {@code wanted} is a repository without a tag and the container was made
     * from any tag of it. Berth keeps no image history, so unlike Docker's an image's descendants
     * do not match.
     */
    boolean matches(Container record, String wanted) {
      // read with the streaming parser, as health is: ContainerConfig would bind the JSON with Jackson's mapper
      Any config = record.getExtensionsMap().get(ContainerConfig.EXTENSION);
      String recorded = config == null ? "" : JsonPaths.text(config.getValue().toByteArray(), "", "Image");
      String image = record.getImage();
      String id = !recorded.isEmpty() ? recorded : idByName.getOrDefault(image, "");
      String wantedId = idByValue.getOrDefault(wanted, "");
      if (!wantedId.isEmpty() && wantedId.equals(id)) {
        return true;
      }
      if (image.isEmpty() || !ImageNames.isValid(wanted)) {
        return false;
      }
      String full = ImageNames.normalize(wanted);
      boolean tagged = wanted.contains("@") || wanted.lastIndexOf(':') > wanted.lastIndexOf('/');
      // a record with no id is known by its name alone, also when no image has that name now
      return !tagged && ImageNames.repository(image).equals(ImageNames.repository(full))
          || recorded.isEmpty() && image.equals(full);
    }
  }

  private static boolean label(Container record, String filter) {
    int equals = filter.indexOf('=');
    if (equals < 0) {
      return record.getLabelsMap().containsKey(filter);
    }
    return filter.substring(equals + 1).equals(record.getLabelsMap().get(filter.substring(0, equals)));
  }

  /** Published ports by container id; none when the network service cannot say. */
  private static Map<String, List<PortMapping>> ports(Future<ListAttachmentsResponse> attachments) {
    Map<String, List<PortMapping>> ports = new HashMap<>();
    try {
      for (Attachment a : answer(attachments).getAttachmentsList()) {
        ports.computeIfAbsent(a.getContainerId(), k -> new ArrayList<>()).addAll(a.getPortMappingsList());
      }
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.UNAVAILABLE && e.getStatus().getCause() != null) {
        throw e;
      }
    }
    return ports;
  }

  /** A call's answer, or its failure as a blocking stub throws it. */
  private static <T> T answer(Future<T> call) {
    try {
      return call.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StatusRuntimeException s ? s
          : Status.INTERNAL.withCause(e.getCause()).asRuntimeException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").withCause(e).asRuntimeException();
    }
  }

  /** docker's PORTS ({@link PortsColumn}), for running containers. */
  private static String ports(ContainerState s, Map<String, List<PortMapping>> ports) {
    return ContainerRow.ports(s, ports.getOrDefault(s.id(), List.of()));
  }
}
