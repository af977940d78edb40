package dev.berth.ctl.container;

import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.ListPidsRequest;
import containerd.services.tasks.v1.ListTasksRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.tasks.v1.WaitRequest;
import containerd.v1.types.Process;
import containerd.v1.types.ProcessInfo;
import containerd.v1.types.Status;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.client.containers.Signals;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.Connection;
import dev.berth.ctl.ErrorHandler;
import dev.berth.ctl.GroupCommand;
import dev.berth.ctl.output.FormatOption;
import dev.berth.ctl.output.Output;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl task}: the Tasks API as it is, for debugging (as ctr task shows it). */
@Command(name = "task", aliases = "tasks",
    description = "Inspect and remove tasks (the processes of containers) directly, as ctr task does.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl task ls", "  berthctl task ps web", "  berthctl task kill -s TERM web", "  berthctl task rm -f web"})
public final class TaskCommand extends GroupCommand {
  @ParentCommand
  BerthCtl root;

  @Command(name = "ls", aliases = "list", description = "List tasks: container id, pid, status.",
      footerHeading = "%nExamples:%n", footer = {"  berthctl task ls", "  berthctl task ls --format json"})
  int list(@Mixin FormatOption format) {
    List<Process> tasks;
    try (Connection c = root.connect()) {
      tasks = TasksGrpc.newBlockingStub(c.channel()).list(ListTasksRequest.getDefaultInstance()).getTasksList();
    }
    if (format.json()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Process t : tasks) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", t.getContainerId());
        row.put("pid", t.getPid());
        row.put("status", t.getStatus().name());
        row.put("exitStatus", t.getExitStatus());
        row.put("exitedAt", t.hasExitedAt() ? ProtoTimes.toInstant(t.getExitedAt()).toString() : null);
        row.put("terminal", t.getTerminal());
        rows.add(row);
      }
      Output.json(root.out(), rows);
    } else {
      List<List<String>> rows = new ArrayList<>();
      tasks.forEach(t -> rows.add(List.of(t.getContainerId(), Integer.toString(t.getPid()), t.getStatus().name())));
      Output.table(root.out(), List.of("TASK", "PID", "STATUS"), rows);
    }
    return 0;
  }

  @Command(name = "ps", description = "List the processes (host pids) of a task.",
      footerHeading = "%nExamples:%n", footer = {"  berthctl task ps web"})
  int processes(@Parameters(paramLabel = "CONTAINER", description = "name, id or id prefix") String container,
      @Mixin FormatOption format) {
    List<ProcessInfo> processes;
    try (Connection c = root.connect()) {
      String id = ContainerArgument.id(c.channel(), container);
      processes = ErrorHandler.naming("task", container, () -> TasksGrpc.newBlockingStub(c.channel())
          .listPids(ListPidsRequest.newBuilder().setContainerId(id).build())).getProcessesList();
    }
    if (format.json()) {
      List<Map<String, Object>> rows = new ArrayList<>();
      processes.forEach(p -> rows.add(Map.of("pid", p.getPid())));
      Output.json(root.out(), rows);
    } else {
      List<List<String>> rows = new ArrayList<>();
      processes.forEach(p -> rows.add(List.of(Integer.toString(p.getPid()))));
      Output.table(root.out(), List.of("PID"), rows);
    }
    return 0;
  }

  @Command(name = "kill", description = "Signal a task's main process (or all its processes).",
      footerHeading = "%nExamples:%n", footer = {"  berthctl task kill web", "  berthctl task kill -s KILL --all web"})
  int kill(@Parameters(paramLabel = "CONTAINER", description = "name, id or id prefix") String container,
      @Option(names = {"-s", "--signal"}, paramLabel = "SIGNAL", defaultValue = "TERM",
          description = "name or number (default ${DEFAULT-VALUE})") String signal,
      @Option(names = {"-a", "--all"}, description = "every process of the task") boolean all) {
    int number = Signals.parse(signal);
    try (Connection c = root.connect()) {
      String id = ContainerArgument.id(c.channel(), container);
      ErrorHandler.naming("task", container, () -> TasksGrpc.newBlockingStub(c.channel())
          .kill(KillRequest.newBuilder().setContainerId(id).setSignal(number).setAll(all).build()));
    }
    return 0;
  }

  @Command(name = "rm", aliases = {"remove", "delete"},
      description = "Delete an ended task (with -f, SIGKILL a running one first); prints its exit status.",
      footerHeading = "%nExamples:%n", footer = {"  berthctl task rm web", "  berthctl task rm -f web"})
  int remove(@Parameters(paramLabel = "CONTAINER", description = "name, id or id prefix") String container,
      @Option(names = {"-f", "--force"}, description = "kill a running task first") boolean force) {
    try (Connection c = root.connect()) {
      String id = ContainerArgument.id(c.channel(), container);
      TasksGrpc.TasksBlockingStub tasks = TasksGrpc.newBlockingStub(c.channel());
      Process task = ErrorHandler.naming("task", container, () -> tasks.get(
          containerd.services.tasks.v1.GetRequest.newBuilder().setContainerId(id).build())).getProcess();
      if (force && task.getStatus() != Status.STOPPED && task.getStatus() != Status.CREATED) {
        tasks.kill(KillRequest.newBuilder().setContainerId(id).setSignal(Signals.SIGKILL).setAll(true).build());
        tasks.wait(WaitRequest.newBuilder().setContainerId(id).build());
      }
      int status = tasks.delete(DeleteTaskRequest.newBuilder().setContainerId(id).build()).getExitStatus();
      root.out().println(id + " " + status);
    }
    return 0;
  }
}
