package dev.berth.ctl.container;

import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.ContainerStartFailure;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.terminal.DetachKeys;
import dev.berth.ctl.terminal.StartupSignals;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl start}: start created or stopped containers. */
@Command(name = "start",
    description = "Start containers that are created or have stopped; one that runs is left alone. With -a, "
        + "attach to the one container's output (also one already running) and exit with its exit code.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl start web", "  berthctl start -a job", "  berthctl start -ai shell"})
public final class StartCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = {"-a", "--attach"}, description = "attach to the output and wait for the exit")
  boolean attach;

  @Option(names = {"-i", "--interactive"}, description = "forward stdin too (the container must have been created with -i)")
  boolean interactive;

  @Parameters(paramLabel = "CONTAINER", arity = "1..*", description = "names, ids or id prefixes")
  List<String> containers;

  @Option(names = "--detach-keys", paramLabel = "KEYS", defaultValue = DetachKeys.DEFAULT,
      description = "with -it on a terminal: the keys that detach, leaving the container running (default: ctrl-p,ctrl-q)")
  String detachKeys;

  @Override
  public Integer call() throws Exception {
    if ((attach || interactive) && containers.size() > 1) {
      // Docker's CLI's refusal, before it asks its daemon anything
      throw new CommandFailure("you cannot start and attach multiple containers at once");
    }
    try (Connection c = root.connect()) {
      ContainerTasks tasks = new ContainerTasks(c.channel());
      if (attach || interactive) {
        ContainerState s = ContainerState.of(c.channel(), ContainerArgument.resolve(c.channel(), containers.get(0)));
        // Docker's daemon refuses malformed keys at the attach, before the start (without -a: never)
        DetachKeys keys = DetachKeys.parse(detachKeys);
        ContainerConfig config = ContainerConfig.of(s.record());
        boolean stdin = interactive && config.openStdin();
        ContainerAttach attach = new ContainerAttach(c.channel());
        if (s.paused()) {
          throw ContainerTasks.pausedStart();
        }
        if (s.running()) {
          // Docker's: a running container is attached to, as attach does; ctrl-p ctrl-q leaves it (exit 0)
          return attach.joinRunning(s, root.io(), stdin, true, keys).orElse(0);
        }
        boolean detached = false;
        try {
          OptionalInt exit;
          try {
            if (!ContainerAttach.joins(s, root.io(), stdin)) {
              return attach.startAttached(s, root.io(), stdin);
            }
            try (StartupSignals startup = StartupSignals.install(root.io())) {
              exit = attach.startJoined(s, root.io(), startup, keys);
            }
          } catch (ContainerStartFailure e) {
            // Docker's start exits 1 for the runtime's refusal: only run maps it to 126 or 127
            throw new DaemonError(e.getMessage(), e);
          } catch (RuntimeException e) {
            throw root.errors().asDaemonRefusal(e);
          }
          // ctrl-p ctrl-q left it running; an auto-remove one is then berthd's to remove
          detached = exit.isEmpty();
          if (detached && config.autoRemove()) {
            new ContainerClient(c.channel()).updateLabels(s.id(),
                Map.of(ContainerLabels.AUTO_REMOVE, ContainerLabels.TRUE));
          }
          return exit.orElse(0);
        } finally {
          if (config.autoRemove() && !detached) {
            tasks.removeIfPresent(s.id());
          }
        }
      }
      // as Docker's CLI: each refusal, then one line naming every container that did not start
      List<String> failed = new ArrayList<>();
      for (String name : containers) {
        if (EachContainer.printingNames(root, c, List.of(name), s -> startDetached(tasks, s)) != 0) {
          failed.add(name);
        }
      }
      if (!failed.isEmpty()) {
        throw new CommandFailure("Error: failed to start containers: " + String.join(", ", failed));
      }
      return 0;
    }
  }

  /** A start as Docker's daemon refuses it, berthctl doing part of that daemon's work. */
  private void startDetached(ContainerTasks tasks, ContainerState s) {
    try {
      tasks.startDetached(s);
    } catch (RuntimeException e) {
      throw root.errors().asDaemonRefusal(e);
    }
  }
}
