package dev.berth.ctl.container;

import containerd.services.containers.v1.Container;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.images.ImageNames;
import dev.berth.client.system.PruneFilter;
import dev.berth.client.system.Pruner;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.ErrorHandler;
import dev.berth.ctl.GroupCommand;
import dev.berth.ctl.flags.PflagTypes;
import dev.berth.ctl.output.FormatOption;
import dev.berth.ctl.output.Output;
import dev.berth.ctl.system.PruneFilters;
import dev.berth.ctl.system.PruneOutput;
import dev.berth.ctl.terminal.Confirmation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code berthctl container}: Docker's container management words, and container records as the
 * Containers API holds them, for debugging.
 */
@Command(name = "container", aliases = "containers",
    description = "Manage containers. Docker's container ls, rm, stop, logs, exec, inspect ... run the top-level "
        + "commands (ps, rm, stop, ...); records and delete show and remove the records themselves, as ctr containers "
        + "does (any client's records).",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl container ls -a", "  berthctl container records -q", "  berthctl container delete web"})
public final class ContainerCommand extends GroupCommand {
  @ParentCommand
  BerthCtl root;

  @Command(name = "records", description = "List container records: id, name, image, runtime.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl container records", "  berthctl container records --format json",
          "  berthctl container records 'image~=busybox'"})
  int list(@Option(names = {"-q", "--quiet"}, description = "print ids only") boolean quiet,
      @Mixin FormatOption format,
      @Parameters(paramLabel = "FILTER", arity = "0..*", description = "containerd filter on id, image, runtime.name, labels.<key>")
      List<String> filters) {
    List<Container> records;
    try (Connection c = root.connect()) {
      records = c.containers().list(filters == null ? new String[0] : filters.toArray(String[]::new));
    }
    if (quiet) {
      Output.lines(root.out(), records.stream().map(Container::getId).toList());
    } else if (format.json()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Container r : records) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", r.getId());
        row.put("name", ContainerArgument.name(r));
        row.put("image", r.getImage());
        row.put("runtime", r.getRuntime().getName());
        row.put("snapshotter", r.getSnapshotter());
        row.put("snapshotKey", r.getSnapshotKey());
        row.put("created", ProtoTimes.toInstant(r.getCreatedAt()).toString());
        row.put("labels", new TreeMap<>(r.getLabelsMap()));
        rows.add(row);
      }
      Output.json(root.out(), rows);
    } else {
      List<List<String>> rows = new ArrayList<>();
      records.forEach(r -> rows.add(List.of(r.getId(), ContainerArgument.name(r),
          r.getImage().isEmpty() ? "-" : ImageNames.familiar(r.getImage()), r.getRuntime().getName())));
      Output.table(root.out(), List.of("CONTAINER", "NAME", "IMAGE", "RUNTIME"), rows);
    }
    return 0;
  }

  @Command(name = "delete",
      description = "Remove container records and their snapshots; one with a task is refused. Prints each removed.",
      footerHeading = "%nExamples:%n", footer = {"  berthctl container delete web"})
  int remove(@Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "names, ids or id prefixes")
      List<String> containers) throws InterruptedException {
    try (Connection c = root.connect()) {
      return root.each(containers, ErrorHandler.FAILURE, name -> {
        Container record = ContainerArgument.resolve(c.channel(), name);
        if (ContainerState.task(c.channel(), record.getId()).isPresent()) {
          throw new CommandFailure("cannot delete container " + name + ": it has a task (berthctl task rm first)");
        }
        c.containers().delete(record);
        root.out().println(name);
      });
    }
  }

  @Command(name = "prune",
      description = "Remove all containers that do not run (created or exited), with their writable layers. Asks "
          + "first unless -f. Prints their ids and the space freed.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl container prune", "  berthctl container prune -f --filter until=1h"})
  int prune(@Option(names = {"-f", "--force"}, description = "do not ask for confirmation") boolean force,
      @Option(names = "--filter", converter = PflagTypes.Filter.class,
          preprocessor = PflagTypes.Filter.class, paramLabel = "FILTER",
          description = "label=KEY[=VALUE], label!=KEY[=VALUE], until=TIME (24h, RFC 3339, Unix seconds); repeatable")
      List<String> filters) throws InterruptedException {
    // as Docker's CLI, which leaves the filters to its daemon: a bad one is refused after the question
    if (!force && !Confirmation.ask("WARNING! This will remove all stopped containers.", root.out(), root.io().in())) {
      return 0;
    }
    PruneFilter filter = PruneFilters.parse(filters);
    List<Pruner.PrunedContainer> removed;
    try (Connection c = root.connect()) {
      removed = new Pruner(c.channel()).containers(filter);
    }
    PruneOutput.containers(root.out(), removed);
    PruneOutput.total(root.out(), PruneOutput.containersSize(removed));
    return 0;
  }
}
