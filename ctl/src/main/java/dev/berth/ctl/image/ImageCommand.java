package dev.berth.ctl.image;

import berth.gc.v1.CollectResponse;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.system.PruneFilter;
import dev.berth.client.system.Pruner;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.GroupCommand;
import dev.berth.ctl.flags.PflagTypes;
import dev.berth.ctl.output.Inspections;
import dev.berth.ctl.output.Template;
import dev.berth.ctl.system.PruneFilters;
import dev.berth.ctl.system.PruneOutput;
import dev.berth.ctl.terminal.Confirmation;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl image}: Docker's image management commands that have no top-level name. */
@Command(name = "image",
    description = "Manage images: inspect them, prune those no container uses. Docker's image ls, rm, build, pull, push, load, "
        + "save, tag and history run the top-level commands images, rmi, build, pull, push, load, save, tag and history.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl image inspect -f '{{.Id}} {{.Os}}/{{.Architecture}}' busybox", "  berthctl image prune -a -f"})
public final class ImageCommand extends GroupCommand {
  @ParentCommand
  BerthCtl root;

  @Command(name = "inspect",
      description = "Show images as a JSON array in Docker's shape: Id (the digest of the image's manifest or index, "
          + "as Docker's containerd image store has it), RepoTags, RepoDigests, Created, Config, Architecture, Os, "
          + "Size, RootFS.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl image inspect busybox", "  berthctl image inspect -f '{{json .Config.Env}}' busybox"})
  int inspect(@Option(names = {"-f", "--format"}, paramLabel = "TEMPLATE",
          description = "a Go template printed per image, like '{{.Id}}', or json") String format,
      @Parameters(paramLabel = "IMAGE", arity = "1..*", description = "names, ids or id prefixes") List<String> images)
      throws InterruptedException {
    Template template = Inspections.template(format);
    List<ObjectNode> found = new ArrayList<>();
    try (Connection c = root.connect()) {
      ImageClient client = new ImageClient(c.channel());
      List<Image> all = client.list();
      return root.inspectEach(images, name -> found.add(ImageInspection.of(client, ImageInspection.resolve(client,
          name), all)), () -> Inspections.print(root.out(), template, found));
    }
  }

  @Command(name = "prune",
      description = "Remove dangling images (known by digest alone; all images no container uses with -a), then "
          + "collect their blobs and snapshots no other image shares. Asks first unless -f. Prints what it removed "
          + "and the space freed.",
      footerHeading = "%nExamples:%n",
      footer = {"  berthctl image prune", "  berthctl image prune -af", "  berthctl image prune -a --filter until=24h"})
  int prune(@Option(names = {"-a", "--all"}, description = "all images no container uses, not only dangling ones")
      boolean all,
      @Option(names = {"-f", "--force"}, description = "do not ask for confirmation") boolean force,
      @Option(names = "--filter", converter = PflagTypes.Filter.class,
          preprocessor = PflagTypes.Filter.class, paramLabel = "FILTER",
          description = "label=KEY[=VALUE], label!=KEY[=VALUE], until=TIME (24h, RFC 3339, Unix seconds); repeatable")
      List<String> filters) {
    String warning = all ? "WARNING! This will remove all images without at least one container associated to them."
        : "WARNING! This will remove all dangling images.";
    // as Docker's CLI, which leaves the filters to its daemon: a bad one is refused after the question
    if (!force && !Confirmation.ask(warning, root.out(), root.io().in())) {
      return 0;
    }
    // in the order Docker's daemon reads them: the keys, dangling, then until and the labels
    PruneFilters.refuseUnknownKeys(filters, PRUNE_KEYS);
    refuseDangling(filters, all);
    PruneFilter filter = PruneFilters.parseEveryUntil(filters, PRUNE_KEYS);
    try (Connection c = root.connect()) {
      Pruner pruner = new Pruner(c.channel());
      pruner.settleEarlierRemovals();
      List<Pruner.PrunedImage> images = pruner.images(all, filter);
      CollectResponse collected = pruner.collect();
      PruneOutput.images(root.out(), root.namespace(), images, collected);
      PruneOutput.total(root.out(), collected.getSpaceReclaimed());
    }
    return 0;
  }

  /** The filters Docker's daemon takes in an image prune. */
  private static final Set<String> PRUNE_KEYS = Set.of("dangling", "label", "label!", "until");

  /**
   * Docker's CLI adds {@code dangling=true} ({@code false} with {@code -a}) to the filters, and its
   * daemon takes one value only: a {@code --filter dangling=} other than that value is refused as
   * the daemon refuses the two, {@code invalid filter 'dangling=[false true]'}.
   */
  private static void refuseDangling(List<String> filters, boolean all) {
    Set<String> values = new LinkedHashSet<>(PruneFilter.values(filters, "dangling"));
    values.add(Boolean.toString(!all));
    if (values.size() > 1) {
      throw new DaemonError("invalid filter 'dangling=[" + String.join(" ", values) + "]'");
    }
  }
}
