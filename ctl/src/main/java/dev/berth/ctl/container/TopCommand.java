package dev.berth.ctl.container;

import containerd.services.tasks.v1.ListPidsRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.v1.types.ProcessInfo;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.client.containers.HostCommands;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl top}: the processes of a container. */
@Command(name = "top",
    description = {"List a container's processes (host pids) as the host's ps -ef shows them: user, pid, parent, "
        + "start time, CPU time and command line.",
        "With ps options, the host's ps runs with them instead; only the lines of the container's processes are kept, "
            + "as docker top does, so its output needs a PID column."},
    footerHeading = "%nExamples:%n", footer = {"  berthctl top web", "  berthctl top web aux",
        "  berthctl top web -o pid,rss,args"})
public final class TopCommand implements Callable<Integer> {
  @ParentCommand
  BerthCtl root;

  @Parameters(index = "0", paramLabel = "CONTAINER", description = "name, id or id prefix")
  String container;

  @Parameters(index = "1..*", paramLabel = "PS_OPTIONS", description = "options for the host's ps, like aux or -o pid,args")
  List<String> psOptions = new ArrayList<>();

  @Override
  public Integer call() {
    List<ProcessInfo> pids;
    try (Connection c = root.connect()) {
      ContainerState s = ContainerState.of(c.channel(), ContainerArgument.resolve(c.channel(), container));
      if (!s.running()) {
        throw ContainerTasks.notRunning(s);
      }
      pids = TasksGrpc.newBlockingStub(c.channel())
          .listPids(ListPidsRequest.newBuilder().setContainerId(s.id()).build()).getProcessesList();
    }
    // Docker's default: ps -ef (UID PID PPID C STIME TTY TIME CMD, user names)
    printPs(psOptions.isEmpty() ? List.of("-ef") : psOptions,
        pids.stream().map(p -> Integer.toString(p.getPid())).collect(Collectors.toSet()));
    return 0;
  }

  /** The host's ps output with the header and the lines of {@code pids} only, laid out as Docker's. */
  private void printPs(List<String> options, Set<String> pids) {
    String output;
    try {
      output = HostCommands.ps(options);
    } catch (HostCommands.PsFailed e) {
      // as Docker's daemon words it: the first line ps wrote on stderr
      throw new DaemonError("ps: " + e.firstErrorLine(), e);
    } catch (IOException e) {
      throw new CommandFailure("ps failed: " + e.getMessage(), e);
    }
    try {
      PsTable.of(output, pids).forEach(root.out()::println);
    } catch (IllegalArgumentException e) {
      throw new DaemonError(e.getMessage(), e);
    }
  }
}
