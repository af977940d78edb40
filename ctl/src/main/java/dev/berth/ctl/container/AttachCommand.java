package dev.berth.ctl.container;

import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.ContainerState;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.Io;
import dev.berth.ctl.terminal.DetachKeys;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code berthctl attach}: this terminal joins a running container's stdio, as {@code docker
 * attach} does: its output as it comes, stdin when the container was made with {@code -i}, the
 * terminal's size and raw mode for a {@code -t} one. The detach keys leave it running (exit 1,
 * "read escape sequence", as Docker); otherwise the command ends with the container's exit code.
 */
@Command(name = "attach",
    description = "Attach this terminal's input and output to a running container. Detach with ctrl-p ctrl-q "
        + "(--detach-keys): the container runs on. Exits with the container's exit code when it ends.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl attach shell", "  berthctl attach --no-stdin web", "  berthctl attach --detach-keys ctrl-x shell"})
public final class AttachCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Option(names = "--no-stdin", description = "do not attach stdin")
  boolean noStdin;

  @Option(names = "--sig-proxy", arity = "0..1", defaultValue = "true", fallbackValue = "true",
      description = "pass the signals berthctl gets on to a container without a terminal (default: true)")
  boolean sigProxy;

  @Option(names = "--detach-keys", paramLabel = "KEYS", defaultValue = DetachKeys.DEFAULT,
      description = "key sequence that detaches: comma-separated characters or ctrl-<letter> (default: ctrl-p,ctrl-q)")
  String detachKeys;

  @Parameters(paramLabel = "CONTAINER", description = "name, id or id prefix")
  String container;

  @Override
  public Integer call() throws Exception {
    Io io = root.io();
    try (Connection c = root.connect()) {
      ContainerState s = ContainerState.of(c.channel(), ContainerArgument.resolve(c.channel(), container));
      if (s.paused()) {
        throw new CommandFailure("You cannot attach to a paused container, unpause it first");
      }
      if (!s.running()) {
        throw new CommandFailure("You cannot attach to a stopped container, start it first");
      }
      if (!noStdin && ContainerConfig.of(s.record()).tty()) {
        // as docker's: the container's terminal would take its keys from a pipe or a file
        io.requireTerminalIn();
      }
      // Docker's daemon refuses malformed keys when the attach reaches it, after the CLI's checks
      DetachKeys keys = DetachKeys.parse(detachKeys);
      OptionalInt exit = new ContainerAttach(c.channel())
          .joinRunning(s, io, !noStdin && ContainerConfig.of(s.record()).openStdin(), sigProxy, keys);
      if (exit.isEmpty()) {
        io.err().println("read escape sequence");
        return 1;
      }
      return exit.getAsInt();
    }
  }
}
