package dev.berth.ctl.volume;

import berth.volumes.v1.CreateVolumeRequest;
import berth.volumes.v1.DeleteVolumeRequest;
import berth.volumes.v1.GetVolumeRequest;
import berth.volumes.v1.ListVolumesRequest;
import berth.volumes.v1.PruneVolumesResponse;
import berth.volumes.v1.Volume;
import berth.volumes.v1.VolumesGrpc;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.client.spec.LabelFilters;
import dev.berth.client.system.Pruner;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.ClientRefusal;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.ErrorHandler;
import dev.berth.ctl.GroupCommand;
import dev.berth.ctl.flags.PflagTypes;
import dev.berth.ctl.output.Durations;
import dev.berth.ctl.output.Inspections;
import dev.berth.ctl.output.Template;
import dev.berth.ctl.output.KeyedFilters;
import dev.berth.ctl.output.Output;
import dev.berth.ctl.output.TemplateContext;
import dev.berth.ctl.output.TemplateFormatOption;
import dev.berth.ctl.terminal.Confirmation;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl volume}: named volumes, directories berthd keeps until they are removed. */
@Command(name = "volume",
    description = "Manage named volumes: directories under berthd's root that outlive the containers mounting "
        + "them (run -v NAME:/path creates one on first use).",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl volume create data", "  berthctl volume ls", "  berthctl volume inspect data",
        "  berthctl volume rm data", "  berthctl volume prune -f"})
public final class VolumeCommand extends GroupCommand {
  @ParentCommand
  BerthCtl root;

  @Command(name = "create", description = "Create a volume (a generated name when none is given) and print its name. "
      + "A volume of that name is already what was asked for, as in Docker: its name is printed again and its "
      + "labels and options stay as they are.",
      footerHeading = "%nExamples:%n", footer = {"  berthctl volume create data", "  berthctl volume create --label team=web cache",
          "  berthctl volume create -o type=tmpfs -o device=tmpfs -o o=size=10m scratch",
          "  berthctl volume create -o type=none -o o=bind -o device=/srv/data data"})
  int create(@Parameters(paramLabel = "NAME", arity = "0..1", description = "the new volume") String name,
      @Option(names = {"-l", "--label"}, paramLabel = "KEY[=VALUE]", converter = PflagTypes.Label.class,
          description = "a label, empty without =VALUE (repeatable)")
      List<String> labels,
      @Option(names = {"-d", "--driver"}, paramLabel = "DRIVER", defaultValue = "local",
          description = "local, the only driver: a directory on this host") String driver,
      @Option(names = {"-o", "--opt"}, paramLabel = "KEY=VALUE", description = "the local driver's options (repeatable): "
          + "type, device and o, mounted on the volume's directory as mount -t TYPE -o O DEVICE")
      Map<String, String> options) {
    if (!driver.equals("local")) {
      // as Docker's daemon refuses a volume plugin it cannot find
      throw new DaemonError((name == null ? "" : "create " + name + ": ") + "error looking up volume plugin " + driver
          + ": plugin \"" + driver + "\" not found");
    }
    Map<String, String> wanted = PflagTypes.labelMap(labels);
    Map<String, String> driverOptions = options == null ? Map.of() : options;
    try (Connection c = root.connect()) {
      VolumesGrpc.VolumesBlockingStub volumes = VolumesGrpc.newBlockingStub(c.channel());
      Volume v;
      try {
        v = volumes.create(CreateVolumeRequest.newBuilder().setName(name == null ? "" : name).putAllLabels(wanted)
            .putAllOptions(driverOptions).build()).getVolume();
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() == Status.Code.INVALID_ARGUMENT) {
          // a name or option berthd refuses, in Docker's daemon's words: printed after its prefix, as
          // Docker's CLI prints it, so scripts matching Docker's line match this one
          throw new DaemonError(e.getStatus().getDescription(), e);
        }
        if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
          throw e;
        }
        // as Docker's daemon: the volume that is there is the answer, its labels and options as they
        // are, whatever these ask for; scripts create "if absent" this way
        v = volumes.get(GetVolumeRequest.newBuilder().setName(name).build()).getVolume();
      }
      root.out().println(v.getName());
    }
    return 0;
  }

  @Command(name = "ls", aliases = "list", description = "List volumes.",
      footerHeading = "%nExamples:%n", footer = {"  berthctl volume ls", "  berthctl volume ls -q",
          "  berthctl volume ls --format json", "  berthctl volume ls --format '{{.Name}}: {{.Mountpoint}}'"})
  int list(@Option(names = {"-q", "--quiet"}, description = "print names only") boolean quiet,
      @Option(names = {"-f", "--filter"}, converter = PflagTypes.Filter.class, preprocessor = PflagTypes.Filter.class,
          paramLabel = "FILTER", description = "name=REGEX (found in the name: "
          + "^data$ for that name alone), label=KEY[=VALUE], dangling=true|false or driver=local (repeatable: values of one key may any match, except label=, "
          + "which must all; all keys must)")
      List<String> filters,
      @Mixin TemplateFormatOption format) {
    List<String> given = filters == null ? List.of() : filters;
    KeyedFilters<Volume> filter = VolumeFilter.parse(given);
    List<Volume> volumes;
    try (Connection c = root.connect()) {
      volumes = new ArrayList<>(VolumesGrpc.newBlockingStub(c.channel())
          .list(ListVolumesRequest.getDefaultInstance()).getVolumesList());
    }
    volumes.removeIf(filter.negate());
    volumes.sort(Comparator.comparing(Volume::getName));
    if (quiet) {
      Output.lines(root.out(), volumes.stream().map(Volume::getName).toList());
    } else if (format.json() || format.templated()) {
      format.printRows(root.out(), TemplateContext.VOLUMES, LIST_HEADERS, volumes.stream().map(VolumeCommand::templateRow).toList());
    } else {
      List<List<String>> rows = new ArrayList<>();
      volumes.forEach(v -> rows.add(List.of(v.getDriver(), v.getName())));
      Output.table(root.out(), List.of("DRIVER", "VOLUME NAME"), rows);
    }
    return 0;
  }

  @Command(name = "inspect", description = "Show volumes as a JSON array: name, driver, mount point, labels, users.",
      footerHeading = "%nExamples:%n", footer = {"  berthctl volume inspect data", "  berthctl volume inspect -f '{{.Mountpoint}}' data"})
  int inspect(@Option(names = {"-f", "--format"}, paramLabel = "TEMPLATE",
      description = "a Go template printed per volume, like '{{.Mountpoint}}', or json") String format,
      @Parameters(paramLabel = "NAME", arity = "1..*", description = "volumes to show") List<String> names)
      throws InterruptedException {
    Template template = Inspections.template(format);
    List<Map<String, Object>> found = new ArrayList<>();
    try (Connection c = root.connect()) {
      VolumesGrpc.VolumesBlockingStub volumes = VolumesGrpc.newBlockingStub(c.channel());
      return root.inspectEach(names, name -> found.add(inspection(ErrorHandler.naming("volume", name,
          () -> volumes.get(GetVolumeRequest.newBuilder().setName(name).build())).getVolume())),
          () -> Inspections.printObjects(root.out(), template, found));
    }
  }

  @Command(name = "rm", aliases = "remove",
      description = "Remove volumes and their data; one a container uses is refused. Prints each name removed.",
      footerHeading = "%nExamples:%n", footer = {"  berthctl volume rm data"})
  int remove(@Option(names = {"-f", "--force"}, description = "a volume that is not there is no error")
      boolean force,
      @Parameters(paramLabel = "NAME", arity = "1..*", description = "volumes to remove") List<String> names)
      throws InterruptedException {
    try (Connection c = root.connect()) {
      VolumesGrpc.VolumesBlockingStub volumes = VolumesGrpc.newBlockingStub(c.channel());
      return root.each(names, ErrorHandler.FAILURE, name -> {
        try {
          volumes.delete(DeleteVolumeRequest.newBuilder().setName(name).build());
        } catch (StatusRuntimeException e) {
          if (force && e.getStatus().getCode() == Status.Code.NOT_FOUND) {
            return;
          }
          throw ErrorHandler.removing("volume", name, e);
        }
        root.out().println(name);
      });
    }
  }

  @Command(name = "prune",
      description = "Remove anonymous volumes no container uses (all unused ones with -a); asks first unless -f. "
          + "Prints their names and the space freed.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl volume prune", "  berthctl volume prune -af", "  berthctl volume prune --filter label=team=web"})
  int prune(@Option(names = {"-a", "--all"}, description = "named volumes too, not only anonymous ones") boolean all,
      @Option(names = {"-f", "--force"}, description = "do not ask for confirmation") boolean force,
      @Option(names = "--filter", converter = PflagTypes.Filter.class,
          preprocessor = PflagTypes.Filter.class, paramLabel = "FILTER",
          description = "label=KEY[=VALUE] or label!=KEY[=VALUE] (repeatable: every label= must match, "
              + "what every label!= matches is kept)")
      List<String> filters) {
    List<String> given = filters == null ? List.of() : filters;
    if (all && given.stream().anyMatch(f -> f.startsWith("all="))) {
      throw new ClientRefusal("conflicting options: cannot specify both --all and --filter all=1");
    }
    Set<String> allValues = given.stream().filter(f -> f.startsWith("all="))
        .map(f -> f.substring("all=".length())).collect(Collectors.toCollection(LinkedHashSet::new));
    // as Docker's CLI: -a says all, --filter all=true (which only its daemon reads) does not
    String warning = all ? "WARNING! This will remove all local volumes not used by at least one container."
        : "WARNING! This will remove anonymous local volumes not used by at least one container.";
    // as Docker's CLI, which leaves the filters to its daemon: a bad one is refused after the question
    if (!force && !Confirmation.ask(warning, root.out(), root.io().in())) {
      return 0;
    }
    // Docker's daemon reads all= first, as a set of values, then refuses the keys it does not take
    if (allValues.size() > 1) {
      throw new DaemonError("invalid filter 'all=[" + String.join(" ", allValues) + "]': only one value is expected");
    }
    all |= allValues.stream().anyMatch(VolumeCommand::allFilter);
    List<String> labelFilters = new ArrayList<>();
    for (String f : given.stream().filter(f -> !f.startsWith("all=")).toList()) {
      String key = f.substring(0, f.indexOf('='));
      switch (key) {
        case "label", "label!" -> labelFilters.add(f);
        // Docker's daemon's words for a filter its volume prune does not take (until= among them)
        default -> throw new DaemonError("invalid filter '" + key + "'");
      }
    }
    LabelFilters labels = LabelFilters.parse(labelFilters);
    PruneVolumesResponse pruned;
    try (Connection c = root.connect()) {
      pruned = new Pruner(c.channel()).volumes(all, labels);
    }
    if (!pruned.getDeletedList().isEmpty()) {
      root.out().println("Deleted Volumes:");
      pruned.getDeletedList().forEach(root.out()::println);
      root.out().println();
    }
    root.out().println("Total reclaimed space: " + Output.preciseSize(pruned.getSpaceReclaimed()));
    return 0;
  }

  /** Docker's {@code --filter all=BOOL} of volume prune, read as Go's strconv.ParseBool reads it. */
  private static boolean allFilter(String value) {
    return parseBool(value).orElseThrow(() -> new DaemonError("invalid filter 'all': strconv.ParseBool: parsing \""
        + value + "\": invalid syntax"));
  }

  /** Go's strconv.ParseBool: empty where it refuses the value. */
  private static Optional<Boolean> parseBool(String value) {
    return switch (value) {
      case "1", "t", "T", "TRUE", "true", "True" -> Optional.of(true);
      case "0", "f", "F", "FALSE", "false", "False" -> Optional.of(false);
      default -> Optional.empty();
    };
  }

  /** Docker's column titles of the fields a template names. */
  private static final Map<String, String> LIST_HEADERS = Map.of("Name", "VOLUME NAME", "Driver", "DRIVER",
      "Scope", "SCOPE", "Mountpoint", "MOUNTPOINT", "Labels", "LABELS", "Links", "LINKS", "Size", "SIZE",
      "Group", "GROUP", "Availability", "AVAILABILITY", "Status", "STATUS");

  /** A volume as docker's {@code volume ls --format} sees one; links and size are not counted, as docker's are not. */
  public static Map<String, Object> templateRow(Volume v) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("Name", v.getName());
    row.put("Driver", v.getDriver());
    row.put("Scope", "local");
    row.put("Mountpoint", v.getMountpoint());
    row.put("Labels", Output.labels(v.getLabelsMap()));
    row.put("Links", "N/A");
    row.put("Size", "N/A");
    // a swarm cluster volume's, which Docker shows as N/A for local ones
    row.put("Group", "N/A");
    row.put("Availability", "N/A");
    row.put("Status", "N/A");
    return row;
  }

  /**
   * A volume as docker volume inspect shows one, its fields in the order of Docker's, with the
   * containers using it.
   */
  public static Map<String, Object> inspection(Volume v) {
    Map<String, Object> json = new LinkedHashMap<>();
    // as Docker's daemon writes it: RFC 3339 in whole seconds, in the local zone
    json.put("CreatedAt", Durations.rfc3339(ProtoTimes.toInstant(v.getCreatedAt())));
    json.put("Driver", v.getDriver());
    json.put("Labels", new TreeMap<>(v.getLabelsMap()));
    json.put("Mountpoint", v.getMountpoint());
    json.put("Name", v.getName());
    // as Docker's: null for a volume made without options
    json.put("Options", v.getOptionsCount() == 0 ? null : new TreeMap<>(v.getOptionsMap()));
    json.put("Scope", "local");
    json.put("UsedBy", v.getUsedByList());
    return json;
  }
}
