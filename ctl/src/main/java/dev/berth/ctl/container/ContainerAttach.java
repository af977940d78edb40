package dev.berth.ctl.container;

import dev.berth.api.labels.ContainerLabels;
import com.google.common.util.concurrent.ListenableFuture;
import com.google.common.util.concurrent.MoreExecutors;
import containerd.services.tasks.v1.CloseIORequest;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.ResizePtyRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.tasks.v1.WaitRequest;
import containerd.services.tasks.v1.WaitResponse;
import containerd.v1.types.Status;
import dev.berth.client.containers.ContainerActionEvents;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.ctl.CommandFailure;
import dev.berth.ctl.Io;
import dev.berth.client.containers.ProcessAttachment;
import dev.berth.client.containers.DeviceRequests;
import dev.berth.client.containers.UserAtStart;
import dev.berth.ctl.terminal.DetachKeys;
import dev.berth.ctl.terminal.ProcessStreams;
import dev.berth.ctl.terminal.SignalForwarding;
import dev.berth.ctl.terminal.StartupInterrupted;
import dev.berth.ctl.terminal.StartupSignals;
import dev.berth.ctl.terminal.TerminalMode;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.IntConsumer;

/**
 * A container's or exec's process with its stdio on this terminal: what {@code run} without
 * {@code -d}, {@code start -a} and {@code exec} do. Starting and stopping are the client library's
 * ({@link ContainerTasks}); relaying stdio, signals and the terminal size is berthctl's.
 */
final class ContainerAttach {
  /** How long output may still arrive after the process ended (berthd drains conmon first). */
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(10);

  private final Channel channel;
  private final TasksGrpc.TasksBlockingStub tasks;
  private final TasksGrpc.TasksFutureStub futures;
  private final ContainerClient containers;
  private final ContainerTasks lifecycle;
  /** Docker's {@code attach} event, which its daemon reports as a client attaches. */
  private final ContainerActionEvents events;

  ContainerAttach(Channel channel) {
    this.channel = channel;
    this.tasks = TasksGrpc.newBlockingStub(channel);
    this.futures = TasksGrpc.newFutureStub(channel);
    this.containers = new ContainerClient(channel);
    this.lifecycle = new ContainerTasks(channel);
    this.events = new ContainerActionEvents(channel);
  }

  /**
   * Starts a container with its stdio on {@code io} (stdin only when {@code stdin}); returns its
   * exit status once it ended and its output was copied.
   */
  int startAttached(ContainerState s, Io io, boolean stdin) throws IOException, InterruptedException {
    try (StartupSignals startup = StartupSignals.install(io)) {
      return startAttached(s, io, stdin, true, startup);
    }
  }

  /**
   * As {@link #startAttached(ContainerState, Io, boolean)}, with {@code startup} noting signals
   * until the process runs: one that came throws {@link StartupInterrupted} before the next step,
   * for the caller to remove what it made; once it runs they are passed on. Without {@code sigProxy}
   * (docker's {@code --sig-proxy=false}) signals end berthctl and leave the container be.
   */
  int startAttached(ContainerState s, Io io, boolean stdin, boolean sigProxy, StartupSignals startup)
      throws IOException, InterruptedException {
    if (startup.received()) {
      throw new StartupInterrupted();
    }
    if (!lifecycle.readyToStart(s)) {
      throw new CommandFailure("container " + s.name() + " is already running");
    }
    boolean tty = ContainerConfig.of(s.record()).tty();
    try (ProcessStreams streams = ProcessStreams.create(stdin, tty)) {
      streams.copyOutput(io.out(), io.err());
      lifecycle.markRunning(s.record());
      try {
        if (s.task().isPresent() && s.task().get().getStatus() == Status.CREATED) {
          // created without our FIFOs: made again with them
          tasks.delete(DeleteTaskRequest.newBuilder().setContainerId(s.id()).build());
        }
        DeviceRequests.refuseAtStart(s);
        UserAtStart.resolve(channel, s);
        tasks.create(CreateTaskRequest.newBuilder().setContainerId(s.id()).setStdin(streams.stdinPath())
            .setStdout(streams.stdoutPath()).setStderr(streams.stderrPath()).setTerminal(tty).build());
      } catch (StatusRuntimeException e) {
        lifecycle.markFailedStart(s, e);
        throw ContainerTasks.startFailure(e);
      }
      return attach(io, streams, s.id(), "", tty, stdin, sigProxy, DetachKeys.NONE, startup, () -> {
        if (startup.received()) {
          throw new StartupInterrupted();
        }
        events.attached(s.id());
        // the time the start was asked for: a process that ends at once may end before start returns
        Instant began = Instant.now();
        tasks.start(StartRequest.newBuilder().setContainerId(s.id()).build());
        containers.updateLabels(s.id(), Map.of(ContainerLabels.STARTED_AT, began.toString()));
      }).orElseThrow();
    }
  }

  /**
   * Whether {@link #startJoined} serves: a container made with {@code -it}, run on this terminal
   * with stdin. Its monitor then holds the terminal and stdin, as for {@code run -dit}, and the
   * detach keys can leave it running.
   */
  static boolean joins(ContainerState s, Io io, boolean stdin) {
    return stdin && io.inIsTerminal() && ContainerConfig.of(s.record()).tty()
        && ContainerLabels.TRUE.equals(s.record().getLabelsMap().get(ContainerLabels.OPEN_STDIN));
  }

  /**
   * Starts the container with this terminal joined to it through the Attach API, before its
   * start so that no output is missed; returns its exit status once it ended, or nothing when
   * {@code keys} (Docker's ctrl-p ctrl-q by default) left it running. Signals are handled as in
   * {@link #startAttached(ContainerState, Io, boolean, boolean, StartupSignals)}.
   */
  OptionalInt startJoined(ContainerState s, Io io, StartupSignals startup, DetachKeys keys)
      throws IOException, InterruptedException {
    if (startup.received()) {
      throw new StartupInterrupted();
    }
    if (!lifecycle.readyToStart(s)) {
      throw new CommandFailure("container " + s.name() + " is already running");
    }
    lifecycle.markRunning(s.record());
    try {
      if (s.task().isPresent() && s.task().get().getStatus() == Status.CREATED) {
        tasks.delete(DeleteTaskRequest.newBuilder().setContainerId(s.id()).build());
      }
      DeviceRequests.refuseAtStart(s);
      UserAtStart.resolve(channel, s);
      tasks.create(CreateTaskRequest.newBuilder().setContainerId(s.id()).setTerminal(true).build());
    } catch (StatusRuntimeException e) {
      lifecycle.markFailedStart(s, e);
      throw ContainerTasks.startFailure(e);
    }
    ListenableFuture<WaitResponse> exit = futures.wait(WaitRequest.newBuilder().setContainerId(s.id()).build());
    try (ProcessAttachment attachment = ProcessAttachment.open(channel, s.id(), "", true, io.out(), io.err());
        // raw before the start: the local terminal must not translate the container's first output again
        TerminalMode raw = TerminalMode.raw()) {
      if (startup.received()) {
        throw new StartupInterrupted();
      }
      events.attached(s.id());
      Instant began = Instant.now();
      try {
        tasks.start(StartRequest.newBuilder().setContainerId(s.id()).build());
      } catch (StatusRuntimeException e) {
        throw ContainerTasks.startFailure(e);
      }
      startup.startupDone();
      containers.updateLabels(s.id(), Map.of(ContainerLabels.STARTED_AT, began.toString()));
      if (new JoinedProcess(tasks, s.id(), attachment).relay(io, keys, false)) {
        return OptionalInt.empty();
      }
      return OptionalInt.of(exit.get().getExitStatus());
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StatusRuntimeException r ? r : new CommandFailure(e.getCause().toString(), e);
    } finally {
      exit.cancel(true);
    }
  }

  /**
   * Joins a running container's stdio through the Attach API, as {@code attach} and Docker's
   * {@code start -a} of a running container do; returns its exit status once it ended, or
   * nothing when {@code keys} left it running.
   */
  OptionalInt joinRunning(ContainerState s, Io io, boolean stdin, boolean sigProxy, DetachKeys keys)
      throws IOException, InterruptedException {
    // asked before attaching: an auto-remove container may be gone by the time its output ended
    ListenableFuture<WaitResponse> exit = futures.wait(WaitRequest.newBuilder().setContainerId(s.id()).build());
    boolean localTerminal = ContainerConfig.of(s.record()).tty() && io.inIsTerminal();
    try (TerminalMode raw = localTerminal ? TerminalMode.raw() : null;
        ProcessAttachment attachment = ProcessAttachment.open(channel, s.id(), "", stdin, io.out(), io.err())) {
      events.attached(s.id());
      if (new JoinedProcess(tasks, s.id(), attachment).relay(io, keys, sigProxy)) {
        return OptionalInt.empty();
      }
      return OptionalInt.of(exit.get().getExitStatus());
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StatusRuntimeException r ? r : new CommandFailure(e.getCause().toString(), e);
    } finally {
      exit.cancel(true);
    }
  }

  /**
   * Starts a created process (init or exec) with {@code start} and relays its stdio until it
   * ends; returns its exit status, or nothing when {@code keys} typed left it running. Signals
   * are passed on ({@code sigProxy}, without a terminal), those {@code startup} noted during the
   * start included; a terminal is put in raw mode before the start when it is the process's
   * input, and its size is followed.
   */
  OptionalInt attach(Io io, ProcessStreams streams, String id, String execId, boolean tty, boolean stdin,
      boolean sigProxy, DetachKeys keys, StartupSignals startup, Runnable start)
      throws IOException, InterruptedException {
    ListenableFuture<WaitResponse> exit = futures.wait(
        WaitRequest.newBuilder().setContainerId(id).setExecId(execId).build());
    boolean localTerminal = tty && io.inIsTerminal();
    // raw only while the terminal's keys go to the process: without -i, Ctrl-C stays the terminal's
    // and ends berthctl, as Docker's client ends (the process runs on)
    try (TerminalMode raw = localTerminal && stdin ? TerminalMode.raw() : null) {
      try {
        start.run();
      } catch (StatusRuntimeException e) {
        exit.cancel(true);
        throw ContainerTasks.startFailure(e);
      }
      IntConsumer forward = tty || !sigProxy || !io.console() ? null : signal -> signalQuietly(id, execId, signal);
      try (SignalForwarding signals = !io.console() ? SignalForwarding.none()
          : SignalForwarding.install(forward, localTerminal ? () -> resize(id, execId) : null)) {
        if (forward != null) {
          startup.forwardTo(forward);
        } else {
          startup.startupDone();
        }
        if (localTerminal) {
          resize(id, execId);
        }
        CompletableFuture<Void> detached = stdin
            ? streams.copyInput(io.in(), keys, () -> closeStdin(id, execId)) : new CompletableFuture<>();
        CompletableFuture<Void> ended = new CompletableFuture<>();
        exit.addListener(() -> ended.complete(null), MoreExecutors.directExecutor());
        CompletableFuture.anyOf(ended, detached).get();
        if (!exit.isDone()) {
          exit.cancel(true);
          return OptionalInt.empty();
        }
        WaitResponse status = exit.get();
        streams.awaitOutput(OUTPUT_DRAIN);
        return OptionalInt.of(status.getExitStatus());
      }
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StatusRuntimeException s ? s : new CommandFailure(e.getCause().toString(), e);
    }
  }

  private void signalQuietly(String id, String execId, int signal) {
    try {
      tasks.kill(KillRequest.newBuilder().setContainerId(id).setExecId(execId).setSignal(signal).build());
    } catch (StatusRuntimeException e) {
      // it ended meanwhile
    }
  }

  private void resize(String id, String execId) {
    TerminalMode.size().ifPresent(size -> {
      try {
        tasks.resizePty(ResizePtyRequest.newBuilder().setContainerId(id).setExecId(execId)
            .setWidth(size[0]).setHeight(size[1]).build());
      } catch (StatusRuntimeException e) {
        // it ended meanwhile
      }
    });
  }

  private void closeStdin(String id, String execId) {
    try {
      tasks.closeIO(CloseIORequest.newBuilder().setContainerId(id).setExecId(execId).setStdin(true).build());
    } catch (StatusRuntimeException e) {
      // it ended meanwhile
    }
  }
}
