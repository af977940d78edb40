package dev.berth.ctl.container;

import dev.berth.client.containers.ContainerTasks;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl pause}: freeze every process of containers. */
@Command(name = "pause",
    description = "Freeze all processes of running containers (the cgroup freezer). Prints each container paused.",
    footerHeading = "%nExamples:%n", footer = {"  berthctl pause web", "  berthctl unpause web"})
public final class PauseCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "names, ids or id prefixes")
  List<String> containers;

  @Override
  public Integer call() throws InterruptedException {
    try (Connection c = root.connect()) {
      return EachContainer.printingNames(root, c, containers, new ContainerTasks(c.channel())::pause);
    }
  }
}
