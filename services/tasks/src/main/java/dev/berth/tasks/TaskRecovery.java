package dev.berth.tasks;

import dev.berth.tasks.cgroups.CgroupFreezer;
import dev.berth.tasks.io.AttachRelay;
import dev.berth.tasks.io.ProcessIo;
import dev.berth.tasks.runtime.Conmon;
import dev.berth.tasks.runtime.RuntimeBinary;
import dev.berth.tasks.runtime.RuntimeConfig;
import dev.berth.tasks.runtime.TaskRuntime;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.logging.Logger;
import javax.inject.Inject;

/**
 * Finds the tasks a previous berthd left in the state directory. A process whose conmon wrote an
 * exit file is stopped with that status and time; a live one is watched and re-attached; a
 * bundle without a state record is what a Create interrupted half-way left, and is removed.
 * Tasks are recovered concurrently, while berthd already serves.
 */
final class TaskRecovery {
  private static final Logger LOG = Logger.getLogger(TaskRecovery.class.getName());
  /** The work is mostly waiting for runtime processes: a few more threads than a small host's cores. */
  private static final int THREADS = 4;

  private final TaskLayout layout;
  private final TaskRuntime runtime;
  private final ExitTracking tracking;
  private final TaskTeardown teardown;

  @Inject
  TaskRecovery(TaskLayout layout, TaskRuntime runtime, ExitTracking tracking, TaskTeardown teardown) {
    this.layout = layout;
    this.runtime = runtime;
    this.tracking = tracking;
    this.teardown = teardown;
  }

  /** A task a previous berthd left, being recovered; {@code task} completes with null for a bundle that held none. */
  record Pending(String namespace, String id, CompletableFuture<Task> task) {}

  /**
   * Finds every bundle in the state directory and returns at once, with each one's recovery to
   * run on a few threads once {@code gate} completes. Each task is handed to {@code recovered}
   * before its future completes. Sequentially each one costs a runtime state call (tens of
   * milliseconds); with dozens of containers that is seconds a restarted berthd would otherwise
   * not answer.
   */
  List<Pending> start(Consumer<Task> recovered, CompletableFuture<?> gate) throws IOException {
    List<Pending> pending = new ArrayList<>();
    teardown.emptyTrash();
    if (!Files.isDirectory(layout.tasks())) {
      return pending;
    }
    ExecutorService pool = Executors.newFixedThreadPool(THREADS, recoveryThreads());
    // The first task is recovered alone: it runs cold the code every recovery runs (reading a
    // record with Jackson, watching, re-attaching), a quarter of a second of CPU, which every
    // thread would otherwise spend at once on a small host's cores while berthd opens its sockets.
    CompletableFuture<?> first = null;
    try (DirectoryStream<Path> namespaces = Files.newDirectoryStream(layout.tasks())) {
      for (Path ns : namespaces) {
        try (DirectoryStream<Path> bundles = Files.newDirectoryStream(ns)) {
          for (Path bundle : bundles) {
            String namespace = ns.getFileName().toString();
            CompletableFuture<?> after = first == null ? gate : first;
            CompletableFuture<Task> task = after.handle((v, e) -> v).thenApplyAsync(v -> {
              Task t = recoverBundle(namespace, bundle);
              if (t != null) {
                recovered.accept(t);
              }
              return t;
            }, pool);
            if (first == null) {
              first = task;
            }
            pending.add(new Pending(namespace, bundle.getFileName().toString(), task));
          }
        }
      }
    } finally {
      // the threads end with the last task: the ones after the first are handed to the pool
      // only once it is recovered
      CompletableFuture.allOf(pending.stream().map(Pending::task).toArray(CompletableFuture[]::new))
          .whenComplete((v, e) -> pool.shutdown());
    }
    return pending;
  }

  private static ThreadFactory recoveryThreads() {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, "berth-task-recovery-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  private Task recoverBundle(String namespace, Path bundle) {
    String id = bundle.getFileName().toString();
    Path stateFile = bundle.resolve(TaskLayout.STATE_FILE);
    try {
      Optional<ProcessRecord> found = readRecord(stateFile);
      if (found.isEmpty()) {
        LOG.warning("removing bundle " + bundle + " left by an interrupted create");
        runtime.delete(runtime.resolve(RuntimeConfig.RUNC_V2, Optional.empty(), layout.runtimeRoot(namespace)), id);
        teardown.removeBundle(bundle, List.of());
        return null;
      }
      ProcessRecord record = found.get();
      RuntimeBinary binary = new RuntimeBinary(record.runtimeName(), Path.of(record.runtimeBinary()), Path.of(record.runtimeRoot()));
      Map<String, Path> cgroups = new LinkedHashMap<>();
      if (record.cgroups() != null) {
        record.cgroups().forEach((k, v) -> cgroups.put(k, Path.of(v)));
      }
      String who = Task.who(namespace, id);
      TaskProcess init = new TaskProcess(who, "", bundle, io(record), record, initStatus(binary, id, record, cgroups));
      Task task = new Task(namespace, id, bundle, binary, cgroups, init);
      Path execs = bundle.resolve(TaskLayout.EXECS);
      if (Files.isDirectory(execs)) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(execs)) {
          for (Path dir : dirs) {
            recoverExec(task, dir);
          }
        }
      }
      resume(task, init);
      task.execs().forEach(p -> resume(task, p));
      LOG.info("recovered " + who + ": " + init.status().name().toLowerCase());
      return task;
    } catch (IOException | RuntimeException e) {
      LOG.warning("cannot recover task in " + bundle + ": " + e.getMessage());
      return null;
    }
  }

  /** The record, or none when there is none or a machine crash tore it (records are not synced to disk). */
  private static Optional<ProcessRecord> readRecord(Path stateFile) {
    if (!Files.exists(stateFile)) {
      return Optional.empty();
    }
    try {
      return Optional.of(ProcessRecord.read(stateFile));
    } catch (IOException e) {
      LOG.warning("unreadable task record " + stateFile + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private void recoverExec(Task task, Path dir) throws IOException {
    Path stateFile = dir.resolve(TaskLayout.STATE_FILE);
    if (!Files.exists(stateFile)) {
      TaskTeardown.deleteTree(dir);
      return;
    }
    ProcessRecord record = ProcessRecord.read(stateFile);
    ProcessStatus status = !record.started() ? ProcessStatus.CREATED
        : runtime.isMonitorRunning(record.conmonPid()) ? ProcessStatus.RUNNING : ProcessStatus.STOPPED;
    task.recoverExec(new TaskProcess(task.whoExec(record.execId()), record.execId(), dir, io(record), record, status));
  }

  /**
   * The init process's status. A started one whose conmon runs on is running, or paused if its
   * cgroup is frozen; one whose conmon is gone has ended (conmon ends right after recording the
   * exit). Only the runtime knows about a process never recorded as started (a crash may have
   * come between its start and the record) or without a freezer to read: asking it for every
   * task, a process start each, made a restart with dozens of containers take seconds.
   */
  private ProcessStatus initStatus(RuntimeBinary binary, String id, ProcessRecord record, Map<String, Path> cgroups) {
    if (!runtime.isMonitorRunning(record.conmonPid())) {
      return ProcessStatus.STOPPED;
    }
    // read as the runtime reads it where it can be: asking runc for each of 65 tasks kept a
    // restarted berthd's task list incomplete for a second
    Optional<Boolean> awaitsStart = record.started() ? Optional.of(false) : runtime.awaitsStart(binary, id);
    if (awaitsStart.orElse(false)) {
      return ProcessStatus.CREATED;
    }
    Optional<Boolean> frozen = awaitsStart.isPresent() ? CgroupFreezer.isFrozen(cgroups) : Optional.empty();
    if (frozen.isPresent()) {
      return frozen.get() ? ProcessStatus.PAUSED : ProcessStatus.RUNNING;
    }
    return switch (runtime.state(binary, id)) {
      case "created" -> ProcessStatus.CREATED;
      case "running" -> ProcessStatus.RUNNING;
      case "paused" -> ProcessStatus.PAUSED;
      default -> ProcessStatus.STOPPED;
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
      LOG.warning(p.who() + ": cannot watch " + p.dir + ": " + e.getMessage());
    }
    ProcessRecord record = p.record();
    boolean launched = p.isInit() || record.started();
    if (p.exit().isPresent() || !launched) {
      return;
    }
    if (!runtime.isMonitorRunning(record.conmonPid())) {
      if (!Files.exists(p.persistDir().resolve(ExitWatcher.EXIT_FILE))) {
        LOG.warning(p.who() + ": ended without conmon recording it");
        p.markExited(new Exit(255, Instant.now()));
      }
      return;
    }
    if (p.io.any()) {
      try {
        p.attach(AttachRelay.reattach(Conmon.attachSocket(layout.socketDir(), record.monitorId()), p.io, p.who()));
      } catch (IOException e) {
        LOG.warning(p.who() + ": cannot re-attach IO: " + e.getMessage());
      }
    }
  }

  private static ProcessIo io(ProcessRecord r) {
    return new ProcessIo(r.stdin(), r.stdout(), r.stderr(), r.terminal());
  }
}
