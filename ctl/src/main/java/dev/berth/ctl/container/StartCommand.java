package dev.berth.ctl.container;

import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DockerExitCodes;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl start}: start created or stopped containers. */
@Command(name = "start",
    description = "Start containers that are created or have stopped; one that runs is left alone. With -a, "
        + "attach to the one container's output and exit with its exit code.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl start web", "  berthctl start -a job", "  berthctl start -ai shell"})
public final class StartCommand implements Callable<Integer>, DockerExitCodes {
  @ParentCommand
  private BerthCtl root;

  @Option(names = {"-a", "--attach"}, description = "attach to the output and wait for the exit")
  private boolean attach;

  @Option(names = {"-i", "--interactive"}, description = "forward stdin too (the container must have been created with -i)")
  private boolean interactive;

  @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "names, ids or id prefixes")
  private List<String> containers;

  @Override
  public Integer call() throws Exception {
    try (Connection c = root.connect()) {
      ContainerTasks tasks = new ContainerTasks(c.channel());
      if (attach || interactive) {
        if (containers.size() > 1) {
          throw new CommandFailure("you cannot attach to more than one container at once");
        }
        ContainerState s = ContainerState.of(c.channel(), ContainerArgument.resolve(c.channel(), containers.get(0)));
        ContainerConfig config = ContainerConfig.of(s.record());
        int exit;
        try {
          exit = new ContainerAttach(c.channel()).startAttached(s, root.io(), interactive && config.openStdin());
        } finally {
          if (config.autoRemove()) {
            tasks.removeIfPresent(s.id());
          }
        }
        return exit;
      }
      return EachContainer.printingNames(root, c, containers, tasks::startDetached);
    }
  }
}
