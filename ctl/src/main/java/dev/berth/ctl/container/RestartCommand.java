package dev.berth.ctl.container;

import dev.berth.client.containers.ContainerTasks;
import dev.berth.client.containers.Signals;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.flags.PflagTypes;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl restart}: stop, then start again. */
@Command(name = "restart",
    description = "Stop containers (as stop does) and start them again, detached. Prints each container restarted.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl restart web", "  berthctl restart -t 2 web worker", "  berthctl restart -s SIGINT web"})
public final class RestartCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = {"-t", "--time", "--timeout"}, converter = PflagTypes.Int64.class, paramLabel = "SECONDS",
      description = "seconds to wait before SIGKILL (default: the container's --stop-timeout, else "
          + StopCommand.DEFAULT_TIMEOUT + ")")
  Long timeout;

  @Option(names = {"-s", "--signal"}, paramLabel = "SIGNAL",
      description = "the signal to stop with instead of the container's stop signal (TERM, SIGUSR1, 9)")
  String signal;

  @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "names, ids or id prefixes")
  List<String> containers;

  @Override
  public Integer call() throws InterruptedException {
    Integer first = signal == null ? null : Signals.parse(signal);
    try (Connection c = root.connect()) {
      ContainerTasks tasks = new ContainerTasks(c.channel());
      return EachContainer.printingNamesInParallel(root, c, containers, s -> {
        if (first == null) {
          tasks.restart(s, StopCommand.grace(timeout, s));
        } else {
          tasks.restart(s, StopCommand.grace(timeout, s), first);
        }
      });
    }
  }
}
