package dev.berth.ctl.system;

import berth.gc.v1.CollectResponse;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.PortMapping;
import berth.volumes.v1.PruneVolumesResponse;
import containerd.services.containers.v1.Container;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.api.labels.LabelLists;
import dev.berth.client.build.BuildCache;
import dev.berth.client.system.DiskUsage;
import dev.berth.client.system.PruneFilter;
import dev.berth.client.system.Pruner;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.ClientRefusal;
import dev.berth.ctl.Connection;
import dev.berth.ctl.GroupCommand;
import dev.berth.ctl.container.ContainerColumns;
import dev.berth.ctl.flags.PflagTypes;
import dev.berth.ctl.output.Durations;
import dev.berth.ctl.output.Output;
import dev.berth.ctl.output.TemplateContext;
import dev.berth.ctl.output.TemplateFormatOption;
import dev.berth.ctl.terminal.Confirmation;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl system}: disk usage, and removing everything unused at once. */
@Command(name = "system",
    description = "Show the disk space images, containers, volumes and unfinished writes take (df), and remove "
        + "what nothing uses (prune).",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl system df", "  berthctl system df -v", "  berthctl system prune", "  berthctl system prune -af --volumes"})
public final class SystemCommand extends GroupCommand {
  @ParentCommand
  BerthCtl root;

  @Command(name = "df",
      description = "Show disk usage as docker system df: per type the count, how many are in use, their size and "
          + "what pruning would free. Image sizes are their blobs (compressed layers), each counted once.",
      footerHeading = "%nExamples:%n", footer = {"  berthctl system df", "  berthctl system df -v",
          "  berthctl system df --format '{{.Type}}: {{.Size}}'"})
  int df(@Option(names = {"-v", "--verbose"}, description = "a line per image, container, volume and unfinished write")
      boolean verbose, @Mixin TemplateFormatOption format) {
    DiskUsage.Report report;
    // Docker's -v runs a format other than table once, over every list (published ports included)
    boolean verboseTemplate = verbose && (format.json() || format.templated());
    Map<String, List<PortMapping>> ports = new HashMap<>();
    try (Connection c = root.connect()) {
      report = new DiskUsage(c.channel()).measure();
      if (verboseTemplate) {
        AttachmentsGrpc.newBlockingStub(c.channel()).list(ListAttachmentsRequest.getDefaultInstance())
            .getAttachmentsList().forEach(a -> ports.computeIfAbsent(a.getContainerId(), id -> new ArrayList<>())
                .addAll(a.getPortMappingsList()));
      }
    }
    PrintWriter out = root.out();
    if (verboseTemplate) {
      format.printWhole(out, TemplateContext.DISK_USAGE_VERBOSE, DiskUsageRows.of(report, ports, Instant.now()));
      return 0;
    }
    if (verbose) {
      verbose(out, report);
      return 0;
    }
    if (format.json() || format.templated()) {
      List<Map<String, String>> rows = new ArrayList<>();
      for (DiskUsage.Summary s : report.summaries()) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("Type", s.type());
        row.put("TotalCount", Integer.toString(s.total()));
        row.put("Active", Integer.toString(s.active()));
        row.put("Size", Output.preciseSize(s.size()));
        row.put("Reclaimable", reclaimable(s));
        rows.add(row);
      }
      format.printRows(out, TemplateContext.DISK_USAGE, DF_HEADERS, rows);
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (DiskUsage.Summary s : report.summaries()) {
      rows.add(List.of(s.type(), Integer.toString(s.total()), Integer.toString(s.active()), Output.preciseSize(s.size()),
          reclaimable(s)));
    }
    Output.table(out, List.of("TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"), rows);
    return 0;
  }

  /** Docker's column titles of the fields a df template names. */
  private static final Map<String, String> DF_HEADERS = Map.of("Type", "TYPE", "TotalCount", "TOTAL",
      "Active", "ACTIVE", "Size", "SIZE", "Reclaimable", "RECLAIMABLE");

  /**
   * The RECLAIMABLE column as Docker's CLI writes it: the size, then the share of the total in whole
   * percent, cut and not rounded ({@code (reclaimable*100)/total} in Go's integers), where the total
   * is not zero; the build cache's has no share.
   */
  static String reclaimable(DiskUsage.Summary s) {
    String size = Output.preciseSize(s.reclaimable());
    if (s.size() == 0 || s.type().equals(BUILD_CACHE)) {
      return size;
    }
    return size + " (" + s.reclaimable() * 100 / s.size() + "%)";
  }

  /** The TYPE of the unfinished writes' row, Docker's build cache. */
  private static final String BUILD_CACHE = "Build Cache";

  private static void verbose(PrintWriter out, DiskUsage.Report report) {
    Instant now = Instant.now();
    out.println("Images space usage:");
    out.println();
    List<List<String>> images = new ArrayList<>();
    for (DiskUsage.ImageUsage i : report.images()) {
      List<String> repositoryAndTag = DiskUsageRows.repositoryAndTag(i);
      String hex = i.image().target().digest().substring(i.image().target().digest().indexOf(':') + 1);
      images.add(List.of(repositoryAndTag.get(0), repositoryAndTag.get(1), hex.substring(0, Math.min(12, hex.length())),
          Durations.ago(i.created(), now), Output.size(i.size()),
          // Docker's SHARED SIZE and UNIQUE SIZE have four digits where its SIZE has three
          Output.preciseSize(i.shared()), Output.preciseSize(i.unique()), Integer.toString(i.containers())));
    }
    Output.table(out, List.of("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE", "SHARED SIZE", "UNIQUE SIZE",
        "CONTAINERS"), images);
    out.println();
    out.println("Containers space usage:");
    out.println();
    List<List<String>> containers = new ArrayList<>();
    for (DiskUsage.ContainerUsage c : report.containers()) {
      Container record = c.state().record();
      containers.add(List.of(c.state().id().substring(0, Math.min(12, c.state().id().length())),
          ContainerColumns.image(record), ContainerColumns.command(record, true),
          Integer.toString(LabelLists.split(record.getLabelsMap().get(ContainerLabels.VOLUMES)).size()),
          Output.size(c.size()), Durations.ago(c.state().createdAt(), now), ContainerColumns.status(c.state(), now),
          c.state().name()));
    }
    Output.table(out, List.of("CONTAINER ID", "IMAGE", "COMMAND", "LOCAL VOLUMES", "SIZE", "CREATED", "STATUS", "NAMES"),
        containers);
    out.println();
    out.println("Local Volumes space usage:");
    out.println();
    List<List<String>> volumes = new ArrayList<>();
    report.volumes().forEach(v -> volumes.add(List.of(v.volume().getName(),
        Integer.toString(v.volume().getUsedByCount()), Output.preciseSize(v.size()))));
    Output.table(out, List.of("VOLUME NAME", "LINKS", "SIZE"), volumes);
    out.println();
    buildCache(out, report.buildCache(), now);
  }

  /**
   * The build cache part of {@code system df -v}, in docker-cli's columns (its
   * defaultDiskUsageBuildCacheTableFormat), a row per unfinished write: its ref cut as Docker cuts
   * a cache id (after the first {@code :}, 12 characters), no cache type, its size, when it
   * started and was last written, never counted as used or shared; the least recently written
   * first, as Docker sorts by last use. The heading and the column titles also when there is none.
   */
  static void buildCache(PrintWriter out, List<DiskUsage.IngestUsage> ingests, Instant now) {
    long size = ingests.stream().mapToLong(DiskUsage.IngestUsage::size).sum();
    out.println("Build cache usage: " + Output.preciseSize(size));
    out.println();
    List<List<String>> cache = new ArrayList<>();
    ingests.stream()
        .sorted(Comparator.comparing(DiskUsage.IngestUsage::updated).thenComparing(DiskUsage.IngestUsage::ref))
        .forEach(i -> cache.add(List.of(cacheId(i.ref()), "", Output.size(i.size()), Durations.ago(i.started(), now),
            Durations.ago(i.updated(), now), "0", "false")));
    Output.table(out, List.of("CACHE ID", "CACHE TYPE", "SIZE", "CREATED", "LAST USED", "USAGE", "SHARED"), cache);
  }

  /** An id as Docker's stringid.TruncateID cuts it: what follows the first {@code :}, to 12 characters. */
  private static String cacheId(String id) {
    String after = id.substring(id.indexOf(':') + 1);
    return after.length() > 12 ? after.substring(0, 12) : after;
  }

  /** The filters Docker's CLI lists in system prune's question, whatever others it is given. */
  private static final List<String> LISTED_FILTERS = List.of("label", "label!", "until");

  @Command(name = "prune",
      description = "Remove stopped containers, networks no container uses, dangling images (all unused ones with -a), "
          + "unfinished writes no client is writing, the build cache and, with --volumes, anonymous volumes no "
          + "container uses; then "
          + "collect garbage. Asks first unless -f. Prints what it removed and the space freed.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl system prune", "  berthctl system prune -a -f", "  berthctl system prune --volumes -f",
          "  berthctl system prune --filter until=24h"})
  int prune(@Option(names = {"-a", "--all"}, description = "remove all images no container uses, not only dangling ones")
      boolean all,
      @Option(names = "--volumes", description = "also prune anonymous volumes") boolean volumes,
      @Option(names = {"-f", "--force"}, description = "do not ask for confirmation") boolean force,
      @Option(names = "--filter", converter = PflagTypes.Filter.class,
          preprocessor = PflagTypes.Filter.class, paramLabel = "FILTER",
          description = "label=KEY[=VALUE], label!=KEY[=VALUE], until=TIME (24h, RFC 3339, Unix seconds); repeatable")
      List<String> filters) throws InterruptedException {
    List<String> given = filters == null ? List.of() : filters;
    if (volumes && given.stream().anyMatch(f -> f.startsWith("until="))) {
      // Docker's CLI's words: volumes have no creation filter, so the prune would take young ones too
      throw new ClientRefusal("ERROR: The \"until\" filter is not supported with \"--volumes\"");
    }
    StringBuilder warning = new StringBuilder("WARNING! This will remove:\n  - all stopped containers\n"
        + "  - all networks not used by at least one container\n");
    if (volumes) {
      warning.append("  - all anonymous volumes not used by at least one container\n");
    }
    warning.append(all ? "  - all images without at least one container associated to them\n"
        : "  - all dangling images\n");
    warning.append(all ? "  - all build cache\n" : "  - unused build cache\n");
    // Docker's CLI lists the label, label! and until filters (each value once), in natural order
    // (label=v2 before label=v10), so the user sees what keeps things from going
    List<String> listed = given.stream().filter(f -> LISTED_FILTERS.stream().anyMatch(k -> f.startsWith(k + "=")))
        .distinct().sorted(NaturalOrder.INSTANCE).toList();
    if (!listed.isEmpty()) {
      warning.append("\n  Items to be pruned will be filtered with:\n");
      listed.forEach(f -> warning.append("  - ").append(f).append('\n'));
    }
    // as Docker's CLI, which leaves the filters to its daemon: a bad one is refused after the question
    if (!force && !Confirmation.ask(warning.toString(), root.out(), root.io().in())) {
      return 0;
    }
    PruneFilter filter = PruneFilters.parse(given);
    PrintWriter out = root.out();
    try (Connection c = root.connect()) {
      Pruner pruner = new Pruner(c.channel());
      pruner.settleEarlierRemovals();
      List<Pruner.PrunedContainer> containers = pruner.containers(filter);
      PruneOutput.containers(out, containers);
      PruneOutput.networks(out, pruner.networks(filter));
      long volumeSpace = 0;
      if (volumes) {
        PruneVolumesResponse pruned = pruner.volumes(false, filter.labels());
        PruneOutput.section(out, "Deleted Volumes:", pruned.getDeletedList());
        volumeSpace = pruned.getSpaceReclaimed();
      }
      List<Pruner.PrunedImage> images = pruner.images(all, filter);
      List<Pruner.PrunedIngest> ingests = pruner.ingests();
      List<String> buildCache = new BuildCache(c.channel()).forgetAll();
      CollectResponse collected = pruner.collect();
      PruneOutput.images(out, root.namespace(), images, collected);
      List<String> cacheObjects = new ArrayList<>(ingests.stream().map(Pruner.PrunedIngest::ref).toList());
      cacheObjects.addAll(buildCache);
      PruneOutput.section(out, "Deleted build cache objects:", cacheObjects);
      PruneOutput.total(out, PruneOutput.containersSize(containers) + volumeSpace
          + ingests.stream().mapToLong(Pruner.PrunedIngest::size).sum() + collected.getSpaceReclaimed());
    }
    return 0;
  }
}
