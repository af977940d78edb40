package dev.berth.ctl.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import containerd.services.tasks.v1.DeleteProcessRequest;
import containerd.services.tasks.v1.ExecProcessRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.TasksGrpc;
import dev.berth.api.InvalidValueException;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.ContainerStartFailure;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.client.spec.Capabilities;
import dev.berth.client.spec.EnvVars;
import dev.berth.client.spec.RootfsFiles;
import dev.berth.client.spec.Spec;
import dev.berth.client.spec.SpecJson;
import dev.berth.client.spec.UserResolver;
import dev.berth.ctl.BerthCtl;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Connection;
import dev.berth.ctl.DaemonError;
import dev.berth.ctl.terminal.DetachKeys;
import dev.berth.ctl.terminal.ProcessStreams;
import dev.berth.ctl.terminal.StartupSignals;
import dev.berth.ctl.terminal.TerminalMode;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code berthctl exec}: another process in a running container. */
@Command(name = "exec",
    description = "Run a command in a running container, with the container's environment, user and working "
        + "directory unless given; exits with the command's exit code.",
    footerHeading = "%nExamples:%n",
    footer = {"  berthctl exec web ls /", "  berthctl exec -it web sh", "  berthctl exec -e DEBUG=1 -w /tmp -u nobody web id",
        "  berthctl exec -d web sh -c 'sleep 100'", "  berthctl exec -it --detach-keys ctrl-x web sh"})
public final class ExecCommand implements Callable<Integer> {
  /** The type URL containerd's clients give a process spec. */
  static final String PROCESS_TYPE_URL = "types.containerd.io/opencontainers/runtime-spec/1/Process";

  @ParentCommand
  BerthCtl root;

  @Option(names = {"-i", "--interactive"}, description = "forward stdin")
  boolean interactive;

  @Option(names = {"-t", "--tty"}, description = "give the process a terminal")
  boolean tty;

  /**
   * What Docker's daemon gives an exec with a terminal, under the container's own variables and
   * {@code -e}: a container run without {@code -t} has no TERM of its own.
   */
  private static final List<String> TERMINAL_ENV = List.of("TERM=xterm");

  /** berthd's words for a runtime that refused to start an exec; the runtime's reason is group 1. */
  private static final Pattern RUNTIME_REFUSAL =
      Pattern.compile("failed to start exec \\S+ in task \\S+: \\S+ exec failed: (.*)", Pattern.DOTALL);

  /** What Docker's exec exits with when its command cannot be started. */
  private static final int EXEC_START_FAILED = 126;

  @Option(names = "--privileged", description = "give the process every capability")
  boolean privileged;

  @Option(names = {"-d", "--detach"}, description = "run in the background")
  boolean detach;

  @Option(names = "--detach-keys", paramLabel = "KEYS", defaultValue = DetachKeys.DEFAULT,
      description = "with -it: the keys that detach, leaving the process running (default: ctrl-p,ctrl-q)")
  String detachKeys;

  @Option(names = {"-e", "--env"}, paramLabel = "KEY[=VALUE]", description = "set an environment variable (repeatable)")
  List<String> env = new ArrayList<>();

  @Option(names = "--env-file", paramLabel = "FILE", description = "read KEY=VALUE lines from a file (repeatable)")
  List<Path> envFiles = new ArrayList<>();

  @Option(names = {"-w", "--workdir"}, paramLabel = "DIR", description = "working directory")
  String workdir;

  @Option(names = {"-u", "--user"}, paramLabel = "USER[:GROUP]", description = "user (name or uid) and group")
  String user;

  @Parameters(index = "0", paramLabel = "CONTAINER", description = "name, id or id prefix")
  String container;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "COMMAND", description = "command and arguments")
  List<String> command;

  @Override
  public Integer call() throws Exception {
    List<String> vars = new ArrayList<>();
    // as docker: the files first, -e over them
    for (Path file : envFiles) {
      vars.addAll(EnvVars.read(file, root.io().env()));
    }
    for (String e : env) {
      EnvVars.fromFlag(e, root.io().env()).ifPresent(vars::add);
    }
    if (workdir != null && !workdir.startsWith("/")) {
      throw new CommandFailure("invalid working directory \"" + workdir + "\": not an absolute path");
    }
    try (Connection c = root.connect()) {
      ContainerState s = ContainerState.of(c.channel(), ContainerArgument.resolve(c.channel(), container));
      // as Docker's CLI: after it found the container, before its daemon's refusals
      if (interactive && tty && !detach) {
        root.io().requireTerminalIn();
      }
      // Docker's daemon's refusals (moby v27): the paused container by the name given, as it does
      if (s.restarting()) {
        throw ContainerTasks.restarting(s);
      }
      if (!s.running()) {
        throw ContainerTasks.notRunning(s);
      }
      if (s.paused()) {
        throw new DaemonError("Container " + container + " is paused, unpause the container before exec");
      }
      // Docker's daemon refuses malformed keys as it makes the exec, after these (with -d too)
      DetachKeys keys = DetachKeys.parseForExec(detachKeys);
      Spec.Process base = SpecJson.processOf(s.record().getSpec());
      Spec.User processUser = user == null ? base.user() : processUser(s);
      // a detached process keeps its terminal, as Docker's: its output goes nowhere, but it runs on a pty
      Spec.ConsoleSize size = tty && !detach && root.io().inIsTerminal() ? TerminalMode.consoleSize() : null;
      Spec.Process process = new Spec.Process(tty, size, processUser, command,
          EnvVars.merge(tty ? EnvVars.merge(TERMINAL_ENV, base.env()) : base.env(), vars),
          workdir != null ? workdir : base.cwd(),
          privileged ? everyCapability() : base.capabilities(),
          base.rlimits(), base.noNewPrivileges(), base.oomScoreAdj());
      String execId = "exec-" + ContainerClient.newId().substring(0, 16);
      TasksGrpc.TasksBlockingStub tasks = TasksGrpc.newBlockingStub(c.channel());
      ExecProcessRequest.Builder request = ExecProcessRequest.newBuilder().setContainerId(s.id()).setExecId(execId)
          .setSpec(Any.newBuilder().setTypeUrl(PROCESS_TYPE_URL)
              .setValue(ByteString.copyFrom(SpecJson.processJson(process))))
          .setTerminal(tty);
      StartRequest start = StartRequest.newBuilder().setContainerId(s.id()).setExecId(execId).build();
      if (detach) {
        tasks.exec(request.build());
        startOrFail(tasks, start);
        return 0;
      }
      // as Docker's: only a terminal's input is read for the keys, piped input reaches the process whole
      OptionalInt exit = attached(c, s, tasks, request, start, tty ? keys : DetachKeys.NONE);
      if (exit.isEmpty()) {
        // as Docker's exec: the process runs on, and leaving it is not a success
        root.io().err().println("read escape sequence");
        return 1;
      }
      return exit.getAsInt();
    } catch (ContainerStartFailure f) {
      if (detach) {
        // Docker's daemon answers a detached start's failure, which its CLI prints as any refusal
        throw new DaemonError(dockersWords(f.getMessage()), f);
      }
      // as Docker's daemon: the reason goes down the exec's output stream, as it is and ending in
      // CRLF, and the exit code is 126 for a command that cannot be started, found or not (run
      // gives 127 for that)
      root.io().out().write((dockersWords(f.getMessage()) + "\r\n").getBytes(StandardCharsets.UTF_8));
      root.io().out().flush();
      return EXEC_START_FAILED;
    }
  }

  /**
   * berthd's words for a runtime's refusal to start an exec ({@code failed to start exec ID in
   * task ID: RUNTIME exec failed: WHY}) as containerd's shim and Docker put them: {@code OCI
   * runtime exec failed: WHY: unknown}; other reasons (a user not found) as they are.
   */
  static String dockersWords(String reason) {
    Matcher m = RUNTIME_REFUSAL.matcher(reason);
    return m.matches() ? "OCI runtime exec failed: " + m.group(1) + ": unknown" : reason;
  }

  /** The process's exit status once it ended; nothing when {@code keys} left it running. */
  private OptionalInt attached(Connection c, ContainerState s, TasksGrpc.TasksBlockingStub tasks,
      ExecProcessRequest.Builder request, StartRequest start, DetachKeys keys) throws Exception {
    String execId = start.getExecId();
    try (ProcessStreams streams = ProcessStreams.create(interactive, tty)) {
      streams.copyOutput(root.io().out(), root.io().err());
      tasks.exec(request.setStdin(streams.stdinPath()).setStdout(streams.stdoutPath())
          .setStderr(streams.stderrPath()).build());
      try (StartupSignals startup = StartupSignals.install(root.io())) {
        return new ContainerAttach(c.channel()).attach(root.io(), streams, s.id(), execId, tty, interactive, true,
            keys, startup, () -> tasks.start(start));
      } finally {
        try {
          tasks.deleteProcess(DeleteProcessRequest.newBuilder().setContainerId(s.id()).setExecId(execId).build());
        } catch (StatusRuntimeException e) {
          // the task went away with it, or the process runs on after a detach
        }
      }
    }
  }

  /**
   * {@code -u} looked up in the container's files, with the container's {@code --group-add}
   * groups as Docker's exec adds them; one that is not there fails the start of the process, as
   * Docker's exec, with its exit code and message.
   */
  private Spec.User processUser(ContainerState s) {
    RootfsFiles files = RootfsFiles.directory(Path.of("/proc", Integer.toString(s.pid()), "root"));
    try {
      Spec.User resolved = UserResolver.withOwnGroup(UserResolver.resolve(user, files));
      List<Long> groups = new ArrayList<>(resolved.additionalGids());
      for (JsonNode group : ContainerConfig.of(s.record()).hostConfig().path("GroupAdd")) {
        long gid = UserResolver.groupId(group.asText(), files);
        if (!groups.contains(gid)) {
          groups.add(gid);
        }
      }
      return new Spec.User(resolved.uid(), resolved.gid(), groups);
    } catch (InvalidValueException e) {
      throw new ContainerStartFailure(e.getMessage(), EXEC_START_FAILED, e);
    }
  }

  /** What Docker's {@code exec --privileged} grants: every capability this host's processes may hold. */
  private static Spec.Capabilities everyCapability() {
    List<String> all = Capabilities.bounding();
    return new Spec.Capabilities(all, all, List.of(), all, List.of());
  }

  private static void startOrFail(TasksGrpc.TasksBlockingStub tasks, StartRequest start) {
    try {
      tasks.start(start);
    } catch (StatusRuntimeException e) {
      throw ContainerTasks.startFailure(e);
    }
  }
}
