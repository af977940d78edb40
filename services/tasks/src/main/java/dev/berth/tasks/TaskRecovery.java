package dev.berth.tasks;

import containerd.v1.types.Status;
import dev.berth.tasks.io.AttachRelay;
import dev.berth.tasks.io.ProcessIo;
import dev.berth.tasks.runtime.Conmon;
import dev.berth.tasks.runtime.OciRuntime;
import dev.berth.tasks.runtime.RuntimeBinary;
import dev.berth.tasks.runtime.RuntimeConfig;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/**
 * Finds the tasks a previous berthd left in the state directory. A process whose conmon wrote an
 * exit file is stopped with that status and time; a live one is watched and re-attached; a
 * bundle without a state record is what a Create interrupted half-way left, and is removed.
 */
final class TaskRecovery {
  private static final Logger LOG = Logger.getLogger(TaskRecovery.class.getName());

  private final TaskLayout layout;
  private final RuntimeConfig config;
  private final ExitTracking tracking;
  private final TaskTeardown teardown;

  TaskRecovery(TaskLayout layout, RuntimeConfig config, ExitTracking tracking, TaskTeardown teardown) {
    this.layout = layout;
    this.config = config;
    this.tracking = tracking;
    this.teardown = teardown;
  }

  List<Task> recover() throws IOException {
    List<Task> found = new ArrayList<>();
    if (!Files.isDirectory(layout.tasks())) {
      return found;
    }
    try (DirectoryStream<Path> namespaces = Files.newDirectoryStream(layout.tasks())) {
      for (Path ns : namespaces) {
        try (DirectoryStream<Path> bundles = Files.newDirectoryStream(ns)) {
          for (Path bundle : bundles) {
            recoverBundle(ns.getFileName().toString(), bundle, found);
          }
        }
      }
    }
    return found;
  }

  private void recoverBundle(String namespace, Path bundle, List<Task> found) {
    String id = bundle.getFileName().toString();
    Path stateFile = bundle.resolve(TaskLayout.STATE_FILE);
    try {
      if (!Files.exists(stateFile)) {
        LOG.warning("removing bundle " + bundle + " left by an interrupted create");
        new OciRuntime(new RuntimeBinary("runc", config.runtimes().get(RuntimeConfig.RUNC_V2), layout.runtimeRoot(namespace)),
            config.timeout()).delete(id, true);
        teardown.removeBundle(bundle, List.of());
        return;
      }
      ProcessRecord record = ProcessRecord.read(stateFile);
      RuntimeBinary runtime = new RuntimeBinary(record.runtimeName(), Path.of(record.runtimeBinary()), Path.of(record.runtimeRoot()));
      OciRuntime oci = new OciRuntime(runtime, config.timeout());
      Map<String, Path> cgroups = new LinkedHashMap<>();
      if (record.cgroups() != null) {
        record.cgroups().forEach((k, v) -> cgroups.put(k, Path.of(v)));
      }
      TaskProcess init = new TaskProcess("", bundle, io(record), record, initStatus(oci, id));
      Task task = new Task(namespace, id, bundle, runtime, oci, cgroups, init);
      Path execs = bundle.resolve(TaskLayout.EXECS);
      if (Files.isDirectory(execs)) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(execs)) {
          for (Path dir : dirs) {
            recoverExec(task, dir);
          }
        }
      }
      resume(task, init);
      task.execs.values().forEach(p -> resume(task, p));
      found.add(task);
      LOG.info("recovered task " + id + " in namespace " + namespace + ": " + init.status);
    } catch (IOException | RuntimeException e) {
      LOG.warning("cannot recover task in " + bundle + ": " + e.getMessage());
    }
  }

  private void recoverExec(Task task, Path dir) throws IOException {
    Path stateFile = dir.resolve(TaskLayout.STATE_FILE);
    if (!Files.exists(stateFile)) {
      TaskTeardown.deleteTree(dir);
      return;
    }
    ProcessRecord record = ProcessRecord.read(stateFile);
    Status status = !record.started() ? Status.CREATED
        : Monitors.isRunning(record.conmonPid()) ? Status.RUNNING : Status.STOPPED;
    task.execs.put(record.execId(), new TaskProcess(record.execId(), dir, io(record), record, status));
  }

  /** The init process's status from the runtime, which knows whether it is created, running or paused. */
  private static Status initStatus(OciRuntime oci, String id) {
    return switch (oci.state(id)) {
      case "created" -> Status.CREATED;
      case "running" -> Status.RUNNING;
      case "paused" -> Status.PAUSED;
      default -> Status.STOPPED;
    };
  }

  /**
   * Watches the process again (which takes an exit written while berthd was down) and
   * re-attaches its IO. A process that is gone without an exit file lost its conmon: it ends
   * with 255, as containerd reports a process whose shim died.
   */
  private void resume(Task task, TaskProcess p) {
    try {
      tracking.track(task, p);
    } catch (IOException e) {
      LOG.warning(task.who() + ": cannot watch " + p.dir + ": " + e.getMessage());
    }
    boolean launched = p.isInit() || p.record.started();
    if (p.exit().isPresent() || !launched) {
      return;
    }
    if (!Monitors.isRunning(p.record.conmonPid())) {
      if (!Files.exists(p.persistDir().resolve(ExitWatcher.EXIT_FILE))) {
        LOG.warning(task.who() + ": process " + (p.isInit() ? task.id : p.execId) + " ended without conmon recording it");
        p.markExited(new Exit(255, Instant.now()));
      }
      return;
    }
    if (p.io.any()) {
      try {
        p.relay = AttachRelay.reattach(Conmon.attachSocket(layout.socketDir(), p.record.monitorId()), p.io,
            task.who() + (p.isInit() ? "" : " exec " + p.execId));
      } catch (IOException e) {
        LOG.warning(task.who() + ": cannot re-attach IO: " + e.getMessage());
      }
    }
  }

  private static ProcessIo io(ProcessRecord r) {
    return new ProcessIo(r.stdin(), r.stdout(), r.stderr(), r.terminal());
  }
}
