package dev.berth.ctl.image;

import berth.gc.v1.CollectResponse;
import dev.berth.client.system.PruneFilter;
import dev.berth.client.system.Pruner;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.GroupCommand;
import dev.berth.ctl.system.PruneOutput;
import dev.berth.ctl.terminal.Confirmation;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl image}: Docker's image management commands (images, rmi, … stay top-level). */
@Command(name = "image",
    description = "Manage images: prune those no container uses (the others are top-level: images, rmi, tag, load, save).",
    footerHeading = "%nExamples:%n", footer = {"  berthctl image prune", "  berthctl image prune -a -f"})
public final class ImageCommand extends GroupCommand {
  @ParentCommand
  private BerthCtl root;

  @Command(name = "prune",
      description = "Remove dangling images (known by digest alone; all images no container uses with -a), then "
          + "collect their blobs and snapshots no other image shares. Asks first unless -f. Prints what it removed "
          + "and the space freed.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl image prune", "  berthctl image prune -af", "  berthctl image prune -a --filter until=24h"})
  int prune(@Option(names = {"-a", "--all"}, description = "all images no container uses, not only dangling ones")
      boolean all,
      @Option(names = {"-f", "--force"}, description = "do not ask for confirmation") boolean force,
      @Option(names = "--filter", paramLabel = "FILTER",
          description = "label=KEY[=VALUE], label!=KEY=VALUE, until=TIME (24h, RFC 3339, Unix seconds); repeatable")
      List<String> filters) {
    PruneFilter filter = PruneFilter.parse(filters, Instant.now());
    String warning = all ? "WARNING! This will remove all images without at least one container associated to them."
        : "WARNING! This will remove all dangling images.";
    if (!force && !Confirmation.ask(warning, root.out(), root.io().in())) {
      return 0;
    }
    try (Connection c = root.connect()) {
      Pruner pruner = new Pruner(c.channel());
      List<Pruner.PrunedImage> images = pruner.images(all, filter);
      CollectResponse collected = pruner.collect();
      PruneOutput.images(root.out(), root.namespace(), images, collected);
      PruneOutput.total(root.out(), collected.getSpaceReclaimed());
    }
    return 0;
  }
}
