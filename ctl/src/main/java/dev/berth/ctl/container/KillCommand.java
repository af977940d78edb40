package dev.berth.ctl.container;

import dev.berth.client.ClientException;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.client.containers.Signals;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl kill}: a signal to the container's main process. */
@Command(name = "kill",
    description = "Send a signal (SIGKILL unless -s says otherwise) to the main process of running containers. "
        + "A restart policy does not bring a killed container back. Prints each container signalled.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl kill web", "  berthctl kill -s HUP web", "  berthctl kill --signal 15 web worker"})
public final class KillCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = {"-s", "--signal"}, paramLabel = "SIGNAL", defaultValue = "KILL",
      description = "name (HUP, SIGTERM) or number (default ${DEFAULT-VALUE})")
  String signal;

  @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "names, ids or id prefixes")
  List<String> containers;

  @Override
  public Integer call() throws InterruptedException {
    int number = signalNumber();
    try (Connection c = root.connect()) {
      ContainerTasks tasks = new ContainerTasks(c.channel());
      return EachContainer.printingNamesInParallel(root, c, containers, s -> tasks.kill(s, number));
    }
  }

  /**
   * The signal asked for; one Berth cannot send is refused as Docker's daemon refuses it (moby
   * v27), before any container is looked up: a number it has no signal of, or a name it does not know.
   */
  private int signalNumber() {
    try {
      return Signals.parse(signal);
    } catch (ClientException e) {
      if (signal.matches("[+-]?\\d{1,9}") && Integer.parseInt(signal) != 0) {
        throw new DaemonError("the linux daemon does not support signal " + Integer.parseInt(signal), e);
      }
      throw new DaemonError("invalid signal: " + signal, e);
    }
  }
}
