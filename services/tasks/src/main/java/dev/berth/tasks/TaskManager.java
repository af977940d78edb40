package dev.berth.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.api.Identifiers;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.grpc.Errors;
import dev.berth.tasks.containers.ContainerLookup;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.tasks.cgroups.CgroupLayout;
import dev.berth.common.time.EpochNanos;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.TerminalSize;
import dev.berth.tasks.attach.AttachPoint;
import dev.berth.tasks.attach.TaskAttachments;
import dev.berth.tasks.io.AttachRelay;
import dev.berth.tasks.runtime.Conmon;
import dev.berth.tasks.runtime.LogFileMode;
import dev.berth.tasks.logs.TaskLog;
import dev.berth.tasks.logs.RotatedLogs;
import dev.berth.tasks.logs.TaskLogs;
import dev.berth.tasks.network.ContainerNetworking;
import dev.berth.tasks.runtime.TaskRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;
import javax.inject.Inject;
import javax.inject.Singleton;

/**
 * {@link Tasks} on a {@link TaskRuntime}. Each process is monitored by its own monitor, so
 * containers, their logs and exit statuses outlive berthd; a new manager finds them again,
 * and {@link #close} leaves them running. No runtime call is made under a lock another request
 * needs: a process is marked as changing, the runtime runs, the result is committed.
 */
@Singleton
public final class TaskManager implements Tasks, TaskLogs, TaskAttachments, AutoCloseable {
  private static final Logger LOG = Logger.getLogger(TaskManager.class.getName());
  private static final ObjectMapper JSON = new ObjectMapper();
  /** SIGRTMAX: the kernel's signals are 1 to 64. */
  private static final int MAX_SIGNAL = 64;

  /** How long a call waits for the tasks a previous berthd left to be recovered before it is turned away. */
  private static final long RECOVERY_WAIT_SECONDS = 30;
  /** How long Reopen waits for the monitor's new log file: 100 steps of 20 ms. */
  private static final int REOPEN_WAIT_STEPS = 100;
  private static final long REOPEN_WAIT_STEP_MILLIS = 20;
  /** How long closing waits for rootfs syncs and bundle deletions still under way. */
  private static final long AFTERWARDS_WAIT_MILLIS = 5000;

  private record Key(String namespace, String id) {}

  private final TaskLayout layout;
  private final ContainerLookup containers;
  private final TaskRuntime runtime;
  private final TaskEvents events;
  private final ExitWatcher watcher;
  private final TaskTeardown teardown;
  private final TaskCreator creator;
  private final ExecProcesses execs;
  private final TaskStatistics statistics;
  private final TaskRemoval removal;
  private final ContainerNetworking networking;
  private final EndpointRelease endpoints;
  private final LogRotation logRotation;
  private final Map<Key, Task> tasks = new ConcurrentHashMap<>();
  private final Map<Key, Boolean> creating = new ConcurrentHashMap<>();
  /** Tasks a previous berthd left that are still being recovered: a call about one of them waits for it. */
  private final Map<Key, CompletableFuture<Task>> recovering = new ConcurrentHashMap<>();
  /** Completed by {@link #beginRecovery}: the recovery of the tasks found at start waits for it. */
  private final CompletableFuture<Void> recoveryGate = new CompletableFuture<>();
  /** Completes once every task a previous berthd left has been recovered. */
  private final CompletableFuture<Void> recovered;
  private final Runnable stopHearingOfDeletions;

  @Inject
  TaskManager(TaskLayout layout, ContainerLookup containers, TaskRuntime runtime, TaskEvents events, ExitWatcher watcher,
      TaskTeardown teardown, TaskCreator creator, ExecProcesses execs, TaskStatistics statistics, TaskRemoval removal,
      ContainerNetworking networking, EndpointRelease endpoints, LogRotation logRotation, TaskRecovery recovery) {
    this.endpoints = endpoints;
    this.logRotation = logRotation;
    this.layout = layout;
    this.containers = containers;
    this.runtime = runtime;
    this.events = events;
    this.watcher = watcher;
    this.teardown = teardown;
    this.creator = creator;
    this.execs = execs;
    this.statistics = statistics;
    this.removal = removal;
    this.networking = networking;
    // the tasks a previous berthd left: running ones are watched again, ones that ended while
    // berthd was down report their real exit status and time. That goes on in the background
    // once beginRecovery is called: calls that need no task answer at once, the others wait for
    // what they need.
    List<TaskRecovery.Pending> pending;
    try {
      pending = recovery.start(t -> {
        tasks.put(new Key(t.namespace, t.id), t);
        endpoints.follow(t);
        logRotation.follow(t);
      }, recoveryGate);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (TaskRecovery.Pending p : pending) {
      Key key = new Key(p.namespace(), p.id());
      recovering.put(key, p.task());
      p.task().whenComplete((t, e) -> recovering.remove(key, p.task()));
    }
    this.recovered = CompletableFuture.allOf(pending.stream().map(TaskRecovery.Pending::task).toArray(CompletableFuture[]::new))
        .whenComplete((v, e) -> LOG.info("tasks: " + tasks.size() + " found in " + layout.state()));
    this.stopHearingOfDeletions = containers.whenDeleted(this::removeLog);
  }

  /**
   * Lets the recovery of the tasks a previous berthd left begin. berthd calls it once its sockets
   * are open: recovering dozens of tasks at once would compete for a small host's cores with the
   * rest of its start-up. Calls that need a task found at start wait for it meanwhile.
   */
  public void beginRecovery() {
    recoveryGate.complete(null);
  }

  /**
   * Detaches network attachments that tasks made and no task holds any more (a crash between
   * Attach and the task's record, a Detach that failed). Needs the Namespaces and Attachments
   * services to answer: berthd calls it once every service serves.
   */
  public void detachOrphanedAttachments() {
    try {
      awaitRecoveryOfAll();
    } catch (BerthException e) {
      // a task still being recovered may hold attachments: better keep an orphan than break a task
      LOG.warning("not detaching orphaned network attachments: " + e.getMessage());
      return;
    }
    // a stopped task's endpoint was released at its exit; one still attached failed to be
    networking.detachOrphans((namespace, id) -> {
      Task t = tasks.get(new Key(namespace, id));
      return t != null && t.init.status() != ProcessStatus.STOPPED;
    });
  }

  @Override
  public ProcessState create(String namespace, TaskSpec spec) {
    String id = Identifiers.validate("container id", spec.containerId());
    var container = containers.get(namespace, id);
    Key key = new Key(namespace, id);
    awaitRecovery(key);
    if (tasks.containsKey(key) || creating.putIfAbsent(key, true) != null) {
      throw Errors.alreadyExists("task %s already exists in namespace %s", id, namespace);
    }
    try {
      List<JoinedNamespace> joined = JoinedNamespace.of(container, donorId -> {
        Key donor = new Key(namespace, donorId);
        awaitRecovery(donor);
        return Optional.ofNullable(tasks.get(donor));
      }, donorId -> containers.get(namespace, donorId), runtime::cgroups);
      TaskCreator.Created created = creator.create(namespace, container, spec, joined);
      tasks.put(key, created.task());
      endpoints.follow(created.task());
      logRotation.follow(created.task());
      if (container.getLabelsMap().containsKey(ContainerLabels.OOM_KILLED)) {
        forgetOomKill(namespace, id);
      }
      events.created(created.task(), created.rootfs());
      return created.task().init.state(id);
    } finally {
      creating.remove(key);
    }
  }

  @Override
  public int start(String namespace, String id, String execId) {
    Task t = task(namespace, id);
    TaskProcess p = t.process(execId);
    if (!p.isInit()) {
      execs.start(t, p);
      return p.pid();
    }
    p.begin(TaskProcess.Change.STARTING, EnumSet.of(ProcessStatus.CREATED), "start");
    StepTimer timer = new StepTimer("start " + t.who());
    try {
      runtime.start(t.runtime, id, p.pid());
    } catch (RuntimeException e) {
      p.abort();
      throw e;
    }
    timer.step("runtime start");
    ProcessRecord created = p.record();
    ProcessRecord started = created.withStarted(created.pid(), created.conmonPid());
    // the start's event goes out before that of an exit that came meanwhile. Nothing is written:
    // a restarted berthd asks the runtime whether an init process was started.
    p.commit(ProcessStatus.RUNNING, started, () -> events.started(t));
    timer.done();
    return p.pid();
  }

  @Override
  public void exec(String namespace, String id, ExecSpec spec) {
    execs.add(task(namespace, id), spec);
  }

  @Override
  public TaskDeletion deleteProcess(String namespace, String id, String execId) {
    return execs.delete(task(namespace, id), execId);
  }

  @Override
  public ProcessState get(String namespace, String id, String execId) {
    return task(namespace, id).process(execId).state(id);
  }

  @Override
  public List<ProcessState> list(String namespace) {
    awaitRecoveryOfAll();
    List<ProcessState> list = new ArrayList<>();
    for (Map.Entry<Key, Task> e : tasks.entrySet()) {
      if (e.getKey().namespace().equals(namespace)) {
        list.add(e.getValue().init.state(e.getValue().id));
      }
    }
    list.sort(Comparator.comparing(ProcessState::containerId));
    return list;
  }

  @Override
  public void kill(String namespace, String id, String execId, int signal, boolean all) {
    // Refused here rather than by kill(2)'s EINVAL, which came back as UNKNOWN; 0 only checks the process is there.
    if (signal < 0 || signal > MAX_SIGNAL) {
      throw Errors.invalidArgument("signal %s is not a Linux signal: use 1 to %d (or 0 to check the process exists)",
          Integer.toUnsignedString(signal), MAX_SIGNAL);
    }
    Task t = task(namespace, id);
    TaskProcess p = t.process(execId);
    ProcessStatus status = p.status();
    if (p.isInit() && all) {
      // Every process in the task's cgroup, as runc kill --all does: that the init process ended is
      // no error (containerd answers OK), and others may outlive it without a PID namespace of their own.
      runtime.kill(t.runtime, id, signal, true);
      return;
    }
    if (status == ProcessStatus.STOPPED) {
      throw Errors.notFound("process %s of task %s already finished", p.isInit() ? id : execId, id);
    }
    if (status == ProcessStatus.CREATED && !p.isInit()) {
      throw Errors.notFound("exec %s of task %s has not been started", execId, id);
    }
    runtime.signal(p.pid(), signal);
  }

  /** Marks the task deleting and takes it out of the namespace's tasks; the rest happens off the call's thread. */
  @Override
  public CompletableFuture<TaskDeletion> delete(String namespace, String id) {
    Key key = new Key(namespace, id);
    Task t = task(namespace, id);
    t.init.begin(TaskProcess.Change.DELETING, EnumSet.of(ProcessStatus.CREATED, ProcessStatus.STOPPED), "delete");
    if (!tasks.remove(key, t)) {
      t.init.abort();
      throw Errors.notFound("task %s not found in namespace %s", id, namespace);
    }
    return removal.remove(t);
  }

  @Override
  public void pause(String namespace, String id) {
    Task t = task(namespace, id);
    t.init.begin(TaskProcess.Change.PAUSING, EnumSet.of(ProcessStatus.RUNNING), "pause");
    try {
      runtime.pause(t.runtime, id);
    } catch (RuntimeException e) {
      t.init.abort();
      throw e;
    }
    t.init.commit(ProcessStatus.PAUSED, null, () -> events.paused(t));
  }

  @Override
  public void resume(String namespace, String id) {
    Task t = task(namespace, id);
    t.init.begin(TaskProcess.Change.RESUMING, EnumSet.of(ProcessStatus.PAUSED), "resume");
    try {
      runtime.resume(t.runtime, id);
    } catch (RuntimeException e) {
      t.init.abort();
      throw e;
    }
    t.init.commit(ProcessStatus.RUNNING, null, () -> events.resumed(t));
  }

  @Override
  public List<ProcessPid> pids(String namespace, String id) {
    return statistics.pids(task(namespace, id));
  }

  @Override
  public void update(String namespace, String id, byte[] resources) {
    Task t = task(namespace, id);
    if (resources.length == 0) {
      throw Errors.invalidArgument("update of task %s carries no resources", id);
    }
    if (!isJsonObject(resources)) {
      throw Errors.invalidArgument("update of task %s: the resources are no JSON object (the runtime spec's LinuxResources)", id);
    }
    if (t.init.status() == ProcessStatus.STOPPED) {
      throw Errors.failedPrecondition("cannot update task %s: it is stopped", id);
    }
    runtime.update(t.runtime, id, resources);
  }

  private static boolean isJsonObject(byte[] bytes) {
    try {
      return JSON.readTree(bytes) instanceof ObjectNode;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public List<TaskMetric> metrics(String namespace, Filter filter) {
    awaitRecoveryOfAll();
    List<TaskMetric> metrics = new ArrayList<>();
    for (Map.Entry<Key, Task> e : tasks.entrySet()) {
      Task t = e.getValue();
      // a stopped task's cgroup stays until its delete, and containerd reports it until then
      if (e.getKey().namespace().equals(namespace) && (t.init.status() != ProcessStatus.STOPPED || statistics.hasCgroup(t))
          && filter.matches(path -> path.equals(List.of("id")) ? Optional.of(t.id) : Optional.empty())) {
        metrics.add(statistics.metric(t));
      }
    }
    metrics.sort(Comparator.comparing(TaskMetric::id));
    return metrics;
  }

  @Override
  public CompletableFuture<Exit> waitFor(String namespace, String id, String execId) {
    // a copy: the waiter must not be able to complete the process's own exit
    return task(namespace, id).process(execId).exited().copy();
  }

  /**
   * The CRI log the monitors of the container's tasks append to, ended once the current task's
   * init process has (at once when the container has no task); it stays until the container
   * record is deleted.
   */
  @Override
  public TaskLog log(String namespace, String id) {
    Identifiers.validate("container id", id);
    Path log = layout.log(namespace, containers.get(namespace, id));
    Key key = new Key(namespace, id);
    awaitRecovery(key);
    Task t = tasks.get(key);
    if (t == null) {
      if (!Files.exists(log)) {
        throw Errors.notFound("no logs for container %s: it has never run", id);
      }
      return new TaskLog(log, CompletableFuture.completedFuture(null));
    }
    return new TaskLog(log, t.init.exited().copy());
  }

  /** Docker's answers for a process that is not running: start it, or unpause it, first. */
  @Override
  public AttachPoint attachPoint(String namespace, String id, String execId) {
    Task t = task(namespace, id);
    TaskProcess p = t.process(execId);
    String what = p.isInit() ? "container " + id : "exec " + execId + " of container " + id;
    ProcessStatus status = p.status();
    if (status == ProcessStatus.PAUSED) {
      throw Errors.failedPrecondition("cannot attach to %s: it is paused, unpause it first", what);
    }
    // a created process is joined before its start, so that none of its output is missed
    if (status != ProcessStatus.RUNNING && status != ProcessStatus.CREATED) {
      throw Errors.failedPrecondition("cannot attach to %s: it is not running, start it first", what);
    }
    boolean stdin = p.isInit() && TaskCreator.holdsStdin(containers.get(namespace, id), p.io);
    return new AttachPoint(p.who(), Conmon.attachSocket(layout.socketDir(), p.record().monitorId()), p.io.terminal(), stdin);
  }

  @Override
  public void reopen(String namespace, String id) {
    Identifiers.validate("container id", id);
    containers.get(namespace, id);
    Key key = new Key(namespace, id);
    awaitRecovery(key);
    Task t = tasks.get(key);
    if (t == null || t.init.status() != ProcessStatus.RUNNING) {
      throw Errors.failedPrecondition("container %s is not running: its log has no writer to reopen", id);
    }
    Path log = layout.log(namespace, containers.get(namespace, id));
    runtime.reopenLog(t.init.dir, log);
    // the monitor reopens when it reads the order: answer once the new file is there, as a
    // rotator checks for it
    for (int i = 0; i < REOPEN_WAIT_STEPS && !Files.exists(log); i++) {
      try {
        Thread.sleep(REOPEN_WAIT_STEP_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    if (!Files.exists(log)) {
      throw Errors.unavailable("the monitor of container %s did not reopen its log %s in time", id, log);
    }
  }

  @Override
  public void resizePty(String namespace, String id, String execId, int width, int height) {
    TaskProcess p = task(namespace, id).process(execId);
    if (!p.io.terminal()) {
      throw Errors.failedPrecondition("process %s of task %s has no terminal", p.isInit() ? id : execId, id);
    }
    if (p.status() == ProcessStatus.STOPPED) {
      // clients resize on SIGWINCH and right after start, racing the process's end: nothing to do then
      return;
    }
    runtime.resize(p.dir, width, height);
    if (p.status() == ProcessStatus.CREATED && p.pid() > 0) {
      // The monitor applies a resize when its loop gets to it, which a program reading its size
      // first thing may beat (containerd's shim resizes before answering). Until the start, the
      // process's stdin is the terminal its runtime made and none of its own code has run.
      try {
        TerminalSize.set(Path.of("/proc", Integer.toString(p.pid()), "fd", "0"), height, width);
      } catch (ErrnoException e) {
        LOG.fine(() -> "tasks: the terminal of " + p.who() + " is resized by its monitor alone: " + e.getMessage());
      }
    }
  }

  @Override
  public void closeStdin(String namespace, String id, String execId) {
    task(namespace, id).process(execId).relay().ifPresent(AttachRelay::closeStdin);
  }

  /** Stops watching and relaying; the containers and their monitors keep running. */
  @Override
  public void close() {
    stopHearingOfDeletions.run();
    try {
      // what is still being recovered is then detached with the rest
      awaitRecoveryOfAll();
    } catch (RuntimeException e) {
      LOG.warning("closing before every task was recovered: " + e.getMessage());
    }
    for (Task t : tasks.values()) {
      t.execs().forEach(teardown::detachProcess);
      teardown.detachProcess(t.init);
    }
    tasks.clear();
    removal.close();
    teardown.finishAfterwards(AFTERWARDS_WAIT_MILLIS);
    endpoints.close();
    logRotation.close();
    try {
      watcher.close();
    } catch (IOException e) {
      LOG.warning("closing exit watcher: " + e.getMessage());
    }
  }

  /** A deleted container's log goes with its record; its running monitor, if any, writes on into the unlinked file. */
  private void removeLog(String namespace, String id) {
    try {
      logRotation.awaitCompression(layout.log(namespace, id));
      Files.deleteIfExists(layout.log(namespace, id));
      Files.deleteIfExists(LogFileMode.reopened(layout.log(namespace, id)));
      RotatedLogs.removeOlder(layout.log(namespace, id));
    } catch (IOException e) {
      LOG.warning("cannot remove the log of container " + id + " in namespace " + namespace + ": " + e.getMessage());
    }
  }

  /** A new task starts without the OOM kill of an earlier one on record. */
  private void forgetOomKill(String namespace, String id) {
    try {
      containers.setLabel(namespace, id, ContainerLabels.OOM_KILLED, "");
    } catch (RuntimeException e) {
      LOG.warning("cannot clear the OOM kill of container " + id + " in namespace " + namespace + ": " + e.getMessage());
    }
  }

  private void awaitRecovery(Key key) {
    CompletableFuture<Task> pending = recovering.get(key);
    if (pending != null) {
      await(pending);
    }
  }

  private void awaitRecoveryOfAll() {
    await(recovered);
  }

  /** Recovery logs its own failures: a task it could not recover is simply not there. */
  private static void await(CompletableFuture<?> recovery) {
    try {
      recovery.get(RECOVERY_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw Errors.unavailable("the tasks the previous berthd left are still being recovered; try again");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.unavailable("interrupted while the tasks the previous berthd left were recovered");
    } catch (ExecutionException e) {
      LOG.warning("task recovery failed: " + e.getCause());
    }
  }

  private Task task(String namespace, String id) {
    Key key = new Key(namespace, id);
    awaitRecovery(key);
    Task t = tasks.get(key);
    if (t == null) {
      throw Errors.notFound("task %s not found in namespace %s", Identifiers.printable(id), namespace);
    }
    return t;
  }
}
