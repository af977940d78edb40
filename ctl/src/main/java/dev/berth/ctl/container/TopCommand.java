package dev.berth.ctl.container;

import containerd.services.tasks.v1.ListPidsRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.v1.types.ProcessInfo;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.HostCommands;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.output.Output;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    description = {"List a container's processes (host pids) with their user id, parent, CPU time and command line.",
        "With ps options, the host's ps runs with them and only the lines of the container's processes are kept, "
            + "as docker top does; its output needs a PID column."},
    footerHeading = "%nExamples:%n", footer = {"  berthctl top web", "  berthctl top web aux",
        "  berthctl top web -o pid,rss,args"})
public final class TopCommand implements Callable<Integer> {
  /** Clock ticks per second of /proc's times on Linux. */
  private static final long TICKS = 100;

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
        throw new CommandFailure("container " + s.name() + " is not running");
      }
      pids = TasksGrpc.newBlockingStub(c.channel())
          .listPids(ListPidsRequest.newBuilder().setContainerId(s.id()).build()).getProcessesList();
    }
    if (!psOptions.isEmpty()) {
      printPs(pids.stream().map(p -> Integer.toString(p.getPid())).collect(Collectors.toSet()));
      return 0;
    }
    List<List<String>> rows = new ArrayList<>();
    for (ProcessInfo p : pids) {
      rows.add(row(p.getPid()));
    }
    Output.table(root.out(), List.of("UID", "PID", "PPID", "TIME", "CMD"), rows);
    return 0;
  }

  /** The host's ps output with the header and the lines of {@code pids} only, found by its PID column. */
  private void printPs(Set<String> pids) {
    String output;
    try {
      output = HostCommands.ps(psOptions);
    } catch (IOException e) {
      throw new CommandFailure("ps failed: " + e.getMessage(), e);
    }
    List<String> lines = output.lines().toList();
    int column = lines.isEmpty() ? -1 : List.of(lines.get(0).strip().split("\\s+")).indexOf("PID");
    if (column < 0) {
      throw new CommandFailure("couldn't find PID field in ps output: give ps options that print it");
    }
    root.out().println(lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.strip().split("\\s+");
      if (fields.length > column && pids.contains(fields[column])) {
        root.out().println(line);
      }
    }
  }

  /** What /proc says of one process; dashes for one that has gone meanwhile. */
  private static List<String> row(int pid) {
    Path proc = Path.of("/proc", Integer.toString(pid));
    try {
      String stat = Files.readString(proc.resolve("stat"));
      // the fields after the command name, which is in parentheses and may hold spaces
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long seconds = (Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS;
      String uid = "-";
      for (String line : Files.readAllLines(proc.resolve("status"))) {
        if (line.startsWith("Uid:")) {
          uid = line.split("\\s+")[1];
        }
      }
      String cmd = new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
          .replace('\0', ' ').strip();
      if (cmd.isEmpty()) {
        cmd = "[" + stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')')) + "]";
      }
      return List.of(uid, Integer.toString(pid), f[1],
          String.format("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60), cmd);
    } catch (IOException | RuntimeException e) {
      return List.of("-", Integer.toString(pid), "-", "-", "-");
    }
  }
}
