package dev.berth.ctl.container;

import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl rm}: remove containers with their tasks and snapshots. */
@Command(name = "rm",
    description = "Remove containers: the record, its ended task and its root file system snapshot. A running "
        + "container is refused unless -f, which kills it first. Prints each container removed.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl rm job", "  berthctl rm -f web", "  berthctl rm -v job   # and its anonymous volumes",
        "  berthctl ps -aq | xargs berthctl rm -f"})
public final class RmCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = {"-f", "--force"}, description = "kill a running container first; one that is not there is no error")
  boolean force;

  @Option(names = {"-v", "--volumes"}, description = "also remove the container's anonymous volumes")
  boolean volumes;

  @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "names, ids or id prefixes")
  List<String> containers;

  @Override
  public Integer call() throws InterruptedException {
    try (Connection c = root.connect()) {
      ContainerTasks tasks = new ContainerTasks(c.channel());
      // as docker's rm -f: a container that is not there is removed already, which is no error
      ContainerClient records = new ContainerClient(c.channel());
      List<String> present = force ? containers.stream().filter(n -> records.lookup(n).isPresent()).toList()
          : containers;
      return EachContainer.printingNamesInParallel(root, c, present, s -> tasks.remove(s, force, volumes));
    }
  }
}
