package dev.berth.ctl.container;

import dev.berth.client.containers.ContainerTasks;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl unpause}: thaw paused containers. */
@Command(name = "unpause",
    description = "Let the processes of paused containers run again. Prints each container resumed.",
    footerHeading = "%nExamples:%n", footer = {"  berthctl unpause web"})
public final class UnpauseCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "names, ids or id prefixes")
  List<String> containers;

  @Override
  public Integer call() throws InterruptedException {
    try (Connection c = root.connect()) {
      return EachContainer.printingNames(root, c, containers, new ContainerTasks(c.channel())::unpause);
    }
  }
}
