package dev.berth.tasks;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;
import dev.berth.common.time.EpochNanos;
import dev.berth.tasks.io.AttachRelay;
import dev.berth.tasks.runtime.Conmon;
import dev.berth.tasks.runtime.RuntimeErrors;
import dev.berth.tasks.runtime.TaskRuntime;
import dev.berth.tasks.spec.HostLimits;
import dev.berth.tasks.spec.OciSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;
import javax.inject.Inject;

/**
 * Exec processes: added with their own spec and IO, started by a monitor of their own running
 * the runtime's exec (attached before the process runs), removed once they ended.
 */
final class ExecProcesses {
  private static final Logger LOG = Logger.getLogger(ExecProcesses.class.getName());

  private final TaskLayout layout;
  private final HostLimits host;
  private final TaskRuntime runtime;
  private final ExitTracking tracking;
  private final TaskTeardown teardown;
  private final TaskEvents events;

  @Inject
  ExecProcesses(TaskLayout layout, HostLimits host, TaskRuntime runtime, ExitTracking tracking, TaskTeardown teardown,
      TaskEvents events) {
    this.layout = layout;
    this.host = host;
    this.runtime = runtime;
    this.tracking = tracking;
    this.teardown = teardown;
    this.events = events;
  }

  /** Records a new exec of a running task; it runs on Start. */
  void add(Task t, ExecSpec request) {
    String execId = Identifiers.validate("exec id", request.execId());
    String who = t.whoExec(execId);
    OciSpec spec = OciSpec.process("process spec of exec " + execId, request.processSpec());
    spec.fitTo(host, who);
    Path dir = layout.execDir(t.bundle, execId);
    ProcessRecord record = new ProcessRecord(t.namespace, t.id, execId, TaskCreator.monitorId(), request.io().stdin(),
        request.io().stdout(), request.io().stderr(), request.io().terminal(), 0, 0, false, null, null, null, null, null);
    TaskProcess p = new TaskProcess(who, execId, dir, request.io(), record, ProcessStatus.CREATED);
    // claims the exec id before its directory is written, so that a second Exec of it leaves the first one's alone
    t.addExec(p);
    try {
      Files.createDirectories(dir);
      Files.write(dir.resolve("process.json"), spec.toBytes());
      record.write(dir.resolve(TaskLayout.STATE_FILE));
    } catch (IOException e) {
      t.removeEnded(execId);
      try {
        TaskTeardown.deleteTree(dir);
      } catch (IOException again) {
        LOG.warning(who + ": cannot remove " + dir + ": " + again.getMessage());
      }
      throw RuntimeErrors.unknown("cannot prepare exec %s: %s", execId, e.getMessage());
    }
    events.execAdded(t, execId, spec.args());
  }

  /** Runs a created exec of a running task; the runtime's exec runs under no lock. */
  void start(Task t, TaskProcess p) {
    StepTimer timer = new StepTimer("start " + p.who());
    p.begin(TaskProcess.Change.STARTING, EnumSet.of(ProcessStatus.CREATED), "start");
    if (!t.init.isSettledIn(ProcessStatus.RUNNING)) {
      p.abort();
      throw Errors.failedPrecondition("cannot start exec %s: task %s is %s", p.execId, t.id,
          t.init.status().name().toLowerCase());
    }
    ProcessRecord record = p.record();
    try {
      Path processFile = p.dir.resolve("process.json");
      // the command the exec-started event names, read before the process runs: one unreadable runs no process
      List<String> args = OciSpec.processFile(processFile).args();
      tracking.track(t, p);
      timer.step("spec");
      TaskRuntime.Monitor monitor = runtime.exec(new TaskRuntime.Launch(t.id, record.monitorId(), t.runtime, p.dir,
          layout.socketDir(), p.io.terminal(), !p.io.stdin().isEmpty(), TaskRuntime.HeldStdin.NONE, Optional.empty(),
          Optional.of(processFile)), () -> {
            if (p.io.any()) {
              p.attach(AttachRelay.start(Conmon.attachSocket(layout.socketDir(), record.monitorId()), p.io, p.who()));
            }
          });
      timer.step(t.runtime.binary().getFileName() + " exec");
      p.holdSyncPipe(monitor.syncPipe());
      ProcessRecord started = record.withStarted(monitor.pid(), monitor.monitorPid());
      started.write(p.dir.resolve(TaskLayout.STATE_FILE));
      timer.step("state");
      p.commit(ProcessStatus.RUNNING, started, () -> events.execStarted(t, p, args));
      timer.step("event");
      timer.done();
    } catch (IOException e) {
      // an exec that never ran ends as containerd reports it: stopped, exit status 255
      p.abort();
      teardown.releaseProcess(p);
      p.markExited(new Exit(255, Instant.now()));
      throw RuntimeErrors.unknown("failed to start exec %s in task %s: %s", p.execId, t.id, e.getMessage());
    } catch (RuntimeException e) {
      p.abort();
      throw e;
    }
  }

  /** Removes an ended (or never started) exec; returns how it ended. */
  TaskDeletion delete(Task t, String execId) {
    if (execId.isEmpty()) {
      throw Errors.invalidArgument("DeleteProcess needs an exec id; delete the task to remove its init process");
    }
    TaskProcess p = t.removeEnded(execId);
    teardown.releaseProcess(p);
    // one that never ran ends now; its waiters learn so
    p.markExited(new Exit(0, Instant.EPOCH));
    try {
      TaskTeardown.deleteTree(p.dir);
    } catch (IOException e) {
      LOG.warning(p.who() + ": cannot remove exec directory " + p.dir + ": " + e.getMessage());
    }
    // no /tasks/delete: containerd's shim publishes it for the task alone, and clients take it for the task's end
    Exit exit = p.exit().orElseThrow();
    return new TaskDeletion(execId, p.pid(), exit);
  }
}
