package dev.berth.tasks;

import containerd.services.tasks.v1.ExecProcessRequest;
import containerd.v1.types.Status;
import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;
import dev.berth.common.time.EpochNanos;
import dev.berth.tasks.io.AttachRelay;
import dev.berth.tasks.io.ProcessIo;
import dev.berth.tasks.runtime.Conmon;
import dev.berth.tasks.runtime.RuntimeErrors;
import dev.berth.tasks.spec.HostLimits;
import dev.berth.tasks.spec.OciSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Exec processes: added with their own spec and IO, started by a conmon of their own running
 * the runtime's exec (attached before the process runs), removed once they ended.
 */
final class ExecProcesses {
  private static final Logger LOG = Logger.getLogger(ExecProcesses.class.getName());

  private final TaskLayout layout;
  private final HostLimits host;
  private final Conmon conmon;
  private final ExitTracking tracking;
  private final TaskTeardown teardown;
  private final TaskEvents events;

  ExecProcesses(TaskLayout layout, HostLimits host, Conmon conmon, ExitTracking tracking, TaskTeardown teardown,
      TaskEvents events) {
    this.layout = layout;
    this.host = host;
    this.conmon = conmon;
    this.tracking = tracking;
    this.teardown = teardown;
    this.events = events;
  }

  /** Records a new exec of a running task; it runs on Start. */
  void add(Task t, ExecProcessRequest request) {
    String execId = Identifiers.validate("exec id", request.getExecId());
    ProcessIo io = new ProcessIo(request.getStdin(), request.getStdout(), request.getStderr(), request.getTerminal());
    OciSpec spec = OciSpec.process("process spec of exec " + execId, request.getSpec());
    spec.fitTo(host, t.who() + " exec " + execId);
    synchronized (t) {
      if (t.execs.containsKey(execId)) {
        throw Errors.alreadyExists("exec %s already exists in task %s", execId, t.id);
      }
      if (t.init.status != Status.RUNNING) {
        throw Errors.failedPrecondition("cannot exec in task %s: it is %s", t.id, t.init.status.name().toLowerCase());
      }
      Path dir = layout.execDir(t.bundle, execId);
      ProcessRecord record = new ProcessRecord(t.namespace, t.id, execId, TaskCreator.monitorId(), io.stdin(), io.stdout(),
          io.stderr(), io.terminal(), 0, 0, false, null, null, null, null, null);
      try {
        Files.createDirectories(dir);
        Files.write(dir.resolve("process.json"), spec.toBytes());
        record.write(dir.resolve(TaskLayout.STATE_FILE));
      } catch (IOException e) {
        try {
          TaskTeardown.deleteTree(dir);
        } catch (IOException again) {
          LOG.warning(t.who() + ": cannot remove " + dir + ": " + again.getMessage());
        }
        throw RuntimeErrors.unknown("cannot prepare exec %s: %s", execId, e.getMessage());
      }
      t.execs.put(execId, new TaskProcess(execId, dir, io, record, Status.CREATED));
    }
    events.execAdded(t, execId);
  }

  /** Runs a created exec; the caller holds the task's lock. */
  void start(Task t, TaskProcess p) {
    String who = t.who() + " exec " + p.execId;
    try {
      tracking.track(t, p);
      Conmon.Monitor monitor = conmon.exec(new Conmon.Launch(t.id, p.record.monitorId(), t.runtime, p.dir, layout.socketDir(),
          p.io.terminal(), !p.io.stdin().isEmpty(), Optional.empty(), Optional.of(p.dir.resolve("process.json"))), () -> {
            if (p.io.any()) {
              p.relay = AttachRelay.start(Conmon.attachSocket(layout.socketDir(), p.record.monitorId()), p.io, who);
            }
          });
      p.syncPipe = monitor.syncPipe();
      p.record = p.record.withStarted(monitor.pid(), monitor.conmonPid());
      p.status = Status.RUNNING;
      p.record.write(p.dir.resolve(TaskLayout.STATE_FILE));
      events.execStarted(t, p);
    } catch (IOException e) {
      // an exec that never ran ends as containerd reports it: stopped, exit status 255
      teardown.releaseProcess(p);
      p.markExited(new Exit(255, Instant.now()));
      throw RuntimeErrors.unknown("failed to start exec %s in task %s: %s", p.execId, t.id, e.getMessage());
    }
  }

  /** Removes an ended (or never started) exec; returns how it ended. */
  TaskDeletion delete(Task t, String execId) {
    if (execId.isEmpty()) {
      throw Errors.invalidArgument("DeleteProcess needs an exec id; delete the task to remove its init process");
    }
    TaskProcess p;
    synchronized (t) {
      p = t.execs.get(execId);
      if (p == null) {
        throw Errors.notFound("exec %s not found in task %s", Identifiers.printable(execId), t.id);
      }
      if (p.status == Status.RUNNING) {
        throw Errors.failedPrecondition("exec %s of task %s is running", execId, t.id);
      }
      t.execs.remove(execId);
    }
    teardown.releaseProcess(p);
    synchronized (t) {
      // one that never ran ends now; its waiters learn so
      p.markExited(new Exit(0, Instant.EPOCH));
    }
    try {
      TaskTeardown.deleteTree(p.dir);
    } catch (IOException e) {
      LOG.warning(t.who() + ": cannot remove exec directory " + p.dir + ": " + e.getMessage());
    }
    Exit exit = p.exit().orElseThrow();
    events.deleted(t, p, exit);
    return new TaskDeletion(execId, p.pid(), exit.status(), EpochNanos.toTimestamp(exit.at()));
  }
}
