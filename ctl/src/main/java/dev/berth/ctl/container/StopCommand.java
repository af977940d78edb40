package dev.berth.ctl.container;

import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.client.containers.Signals;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.flags.PflagTypes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl stop}: the stop signal, then SIGKILL after a grace period. */
@Command(name = "stop",
    description = "Stop running containers: send the stop signal (SIGTERM unless the image or --stop-signal "
        + "chose another), and SIGKILL if the container still runs after the timeout. A restart policy does not "
        + "bring a stopped container back. Prints each container stopped.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl stop web", "  berthctl stop -t 1 web worker", "  berthctl stop -t 0 web   # SIGKILL at once",
        "  berthctl stop -s SIGINT web"})
public final class StopCommand implements Callable<Integer> {
  static final int DEFAULT_TIMEOUT = 10;

  @ParentCommand
  BerthCtl root;

  @Option(names = {"-t", "--time", "--timeout"}, converter = PflagTypes.Int64.class, paramLabel = "SECONDS",
      description = "seconds to wait before SIGKILL (default: the container's --stop-timeout, else " + DEFAULT_TIMEOUT
          + "; -1 waits as long as it takes)")
  Long timeout;

  @Option(names = {"-s", "--signal"}, paramLabel = "SIGNAL",
      description = "the signal to send first instead of the container's stop signal (TERM, SIGUSR1, 9)")
  String signal;

  @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "names, ids or id prefixes")
  List<String> containers;

  @Override
  public Integer call() throws InterruptedException {
    // checked before any container is touched
    Integer first = signal == null ? null : Signals.parse(signal);
    try (Connection c = root.connect()) {
      ContainerTasks tasks = new ContainerTasks(c.channel());
      return EachContainer.printingNamesInParallel(root, c, containers, s -> {
        if (first == null) {
          tasks.stop(s, grace(timeout, s));
        } else {
          tasks.stop(s, grace(timeout, s), first);
        }
      });
    }
  }

  /**
   * The grace period before SIGKILL: the flag's seconds if given, else the container's
   * {@code --stop-timeout}, else {@value #DEFAULT_TIMEOUT} s; negative means no limit (null).
   */
  static Duration grace(Long flag, ContainerState s) {
    long seconds = flag != null ? flag : ContainerConfig.of(s.record()).stopTimeout().orElse(DEFAULT_TIMEOUT);
    return seconds < 0 ? null : Duration.ofSeconds(seconds);
  }
}
