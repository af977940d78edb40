package dev.berth.tasks;

import com.google.protobuf.Any;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.ExecProcessRequest;
import containerd.types.Metric;
import containerd.v1.types.Process;
import containerd.v1.types.ProcessInfo;
import containerd.v1.types.Status;
import dev.berth.api.Identifiers;
import dev.berth.common.events.EventPublisher;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.tasks.cgroups.CgroupLayout;
import dev.berth.tasks.containers.ContainerLookup;
import dev.berth.common.time.EpochNanos;
import dev.berth.tasks.io.AttachRelay;
import dev.berth.tasks.linux.NativeException;
import dev.berth.tasks.linux.Syscalls;
import dev.berth.tasks.logs.TaskLog;
import dev.berth.tasks.logs.TaskLogs;
import dev.berth.tasks.network.ContainerNetworking;
import dev.berth.tasks.runtime.Conmon;
import dev.berth.tasks.runtime.RuntimeConfig;
import dev.berth.tasks.runtime.RuntimeErrors;
import dev.berth.tasks.spec.HostLimits;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The tasks of every namespace: containers' processes run by an OCI runtime under conmon. Each
 * process is monitored by its own conmon, so containers, their logs and exit statuses outlive
 * berthd; {@link #open} finds them again, and {@link #close} leaves them running.
 */
public final class TaskManager implements AutoCloseable, TaskLogs {
  private static final Logger LOG = Logger.getLogger(TaskManager.class.getName());
  private static final long DELETE_WAIT_SECONDS = 10;

  private record Key(String namespace, String id) {}

  private final TaskLayout layout;
  private final ContainerLookup containers;
  private final CgroupLayout cgroups;
  private final HostLimits host;
  private final TaskEvents events;
  private final ExitWatcher watcher;
  private final ExitTracking tracking;
  private final TaskTeardown teardown;
  private final TaskCreator creator;
  private final ExecProcesses execs;
  private final TaskStatistics statistics;
  private final ContainerNetworking networking;
  private final Map<Key, Task> tasks = new ConcurrentHashMap<>();
  private final Map<Key, Boolean> creating = new ConcurrentHashMap<>();
  private final Runnable stopHearingOfDeletions;

  private TaskManager(Path state, ContainerLookup containers, EventPublisher publisher, Channel api, RuntimeConfig config)
      throws IOException {
    this.layout = new TaskLayout(state);
    this.containers = containers;
    this.cgroups = CgroupLayout.detect();
    this.host = HostLimits.ofThisProcess();
    this.events = new TaskEvents(publisher);
    this.watcher = new ExitWatcher();
    this.tracking = new ExitTracking(watcher, events, containers);
    this.teardown = new TaskTeardown(layout, tracking);
    this.networking = new ContainerNetworking(api);
    this.creator = new TaskCreator(layout, config, cgroups, host, new SnapshotMounts(api), networking, tracking,
        teardown);
    this.execs = new ExecProcesses(layout, host, new Conmon(config.conmon(), config.timeout()), tracking, teardown, events);
    this.statistics = new TaskStatistics(cgroups);
    this.stopHearingOfDeletions = containers.whenDeleted(this::removeLog);
  }

  /**
   * Opens the task state under {@code state} (a tmpfs such as /run/berth in production) and
   * takes over the tasks already there: running ones are watched again, ones that ended while
   * berthd was down report their real exit status and time.
   *
   * @param containers the container records tasks are created from; their logs go when they do
   * @param api a channel to the Snapshots service, for containers whose Create brings no rootfs mounts, and to
   *     the network service's Attachments, for containers whose labels ask for networking
   */
  public static TaskManager open(Path state, ContainerLookup containers, EventPublisher events, Channel api,
      RuntimeConfig config) throws IOException {
    Files.createDirectories(state);
    // conmon binds <state>/s/<16 hex>/attach; a longer path than sun_path holds would be cut short silently
    int socketPath = state.toAbsolutePath().resolve("s").toString().length() + 1 + 16 + "/attach".length();
    if (socketPath > 107) {
      throw new IOException("state directory " + state + " is too long for attach socket paths (at most 107 bytes)");
    }
    TaskManager manager = new TaskManager(state.toAbsolutePath(), containers, events, api, config);
    for (Task t : new TaskRecovery(manager.layout, config, manager.tracking, manager.teardown).recover()) {
      manager.tasks.put(new Key(t.namespace, t.id), t);
    }
    LOG.info("tasks: " + manager.tasks.size() + " found in " + state + ", cgroups " + manager.cgroups.mode()
        + (manager.host.hasSysResource() ? "" : ", without CAP_SYS_RESOURCE"));
    return manager;
  }

  /**
   * Detaches network attachments that tasks made and no task holds any more (a crash between
   * Attach and the task's record, a Detach that failed). Needs the Namespaces and Attachments
   * services to answer: berthd calls it once every service serves.
   */
  public void detachOrphanedAttachments() {
    networking.detachOrphans((namespace, id) -> tasks.containsKey(new Key(namespace, id)));
  }

  public Process create(String namespace, CreateTaskRequest request) {
    String id = Identifiers.validate("container id", request.getContainerId());
    var container = containers.get(namespace, id);
    Key key = new Key(namespace, id);
    if (tasks.containsKey(key) || creating.putIfAbsent(key, true) != null) {
      throw Errors.alreadyExists("task %s already exists in namespace %s", id, namespace);
    }
    try {
      TaskCreator.Created created = creator.create(namespace, container, request);
      tasks.put(key, created.task());
      if (container.getLabelsMap().containsKey(ContainerLabels.OOM_KILLED)) {
        forgetOomKill(namespace, id);
      }
      events.created(created.task(), created.rootfs());
      return created.task().init.toProto(id);
    } finally {
      creating.remove(key);
    }
  }

  /** Starts the init process or a created exec; returns its pid. */
  public int start(String namespace, String id, String execId) {
    Task t = task(namespace, id);
    if (execId.isEmpty()) {
      synchronized (t) {
        if (t.init.status != Status.CREATED) {
          throw Errors.failedPrecondition("cannot start task %s: it is %s", id, t.init.status.name().toLowerCase());
        }
        StepTimer timer = new StepTimer("start task " + id + " in namespace " + namespace);
        t.oci.start(id);
        timer.step("runtime start");
        t.init.status = Status.RUNNING;
        t.init.record = t.init.record.withStarted(t.init.pid(), t.init.record.conmonPid());
        persist(t.init);
        timer.step("state");
        timer.done();
        // under the lock, so that a quick exit's event cannot overtake this one
        events.started(t);
      }
      return t.init.pid();
    }
    TaskProcess p;
    synchronized (t) {
      p = process(t, execId);
      if (p.status != Status.CREATED) {
        throw Errors.failedPrecondition("cannot start exec %s of task %s: it is %s", execId, id, p.status.name().toLowerCase());
      }
      if (t.init.status != Status.RUNNING) {
        throw Errors.failedPrecondition("cannot start exec %s: task %s is %s", execId, id, t.init.status.name().toLowerCase());
      }
      execs.start(t, p);
    }
    return p.pid();
  }

  /** Adds an exec process to a running task; Start runs it. */
  public void exec(String namespace, ExecProcessRequest request) {
    execs.add(task(namespace, request.getContainerId()), request);
  }

  /** Removes an ended (or never started) exec; returns how it ended. */
  public TaskDeletion deleteProcess(String namespace, String id, String execId) {
    return execs.delete(task(namespace, id), execId);
  }

  public Process get(String namespace, String id, String execId) {
    Task t = task(namespace, id);
    synchronized (t) {
      return process(t, execId).toProto(id);
    }
  }

  public List<Process> list(String namespace) {
    List<Process> list = new ArrayList<>();
    for (Map.Entry<Key, Task> e : tasks.entrySet()) {
      if (e.getKey().namespace().equals(namespace)) {
        synchronized (e.getValue()) {
          list.add(e.getValue().init.toProto(e.getValue().id));
        }
      }
    }
    list.sort((a, b) -> a.getContainerId().compareTo(b.getContainerId()));
    return list;
  }

  /** Signals the init process (every process with {@code all}) or an exec; NOT_FOUND once it has ended. */
  public void kill(String namespace, String id, String execId, int signal, boolean all) {
    Task t = task(namespace, id);
    TaskProcess p;
    synchronized (t) {
      p = process(t, execId);
      if (p.status == Status.STOPPED) {
        throw Errors.notFound("process %s of task %s already finished", p.isInit() ? id : execId, id);
      }
      if (p.status == Status.CREATED && !p.isInit()) {
        throw Errors.notFound("exec %s of task %s has not been started", execId, id);
      }
    }
    if (p.isInit() && all) {
      t.oci.kill(id, signal, true);
      return;
    }
    try {
      Syscalls.kill(p.pid(), signal);
    } catch (NativeException e) {
      if (e.errno() == NativeException.ESRCH) {
        throw Errors.notFound("process %d of task %s already finished", p.pid(), id);
      }
      throw RuntimeErrors.unknown("kill task %s: %s", id, e.getMessage());
    }
  }

  /**
   * Deletes a stopped (or never started) task: the runtime's record, conmon, relays, network
   * attachment, rootfs, cgroups and bundle; returns how its init process ended.
   */
  public TaskDeletion delete(String namespace, String id) {
    Key key = new Key(namespace, id);
    Task t = task(namespace, id);
    synchronized (t) {
      if (t.init.status == Status.RUNNING || t.init.status == Status.PAUSED) {
        throw Errors.failedPrecondition("task %s must be stopped before deletion: %s", id, t.init.status.name().toLowerCase());
      }
      if (!tasks.remove(key, t)) {
        throw Errors.notFound("task %s not found in namespace %s", id, namespace);
      }
    }
    StepTimer timer = new StepTimer("delete task " + id + " in namespace " + namespace);
    t.oci.delete(id, true);
    timer.step("runtime delete");
    Exit exit;
    try {
      exit = t.init.exited().get(DELETE_WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warning(t.who() + ": no exit status after delete: " + e.getMessage());
      exit = new Exit(255, Instant.now());
      synchronized (t) {
        t.init.markExited(exit);
      }
    }
    List<TaskProcess> processes;
    synchronized (t) {
      processes = new ArrayList<>(t.execs.values());
    }
    processes.add(t.init);
    timer.step("exit");
    for (TaskProcess p : processes) {
      teardown.releaseProcess(p);
      synchronized (t) {
        // an exec that never ran ends with the task; its waiters learn so
        p.markExited(new Exit(0, Instant.EPOCH));
      }
    }
    timer.step("monitors");
    if (Files.exists(t.bundle.resolve(TaskLayout.NETWORK_FILE))) {
      try {
        networking.detach(namespace, id);
      } catch (StatusRuntimeException e) {
        // the attachment is replaced when the container's next task is created
        LOG.warning(t.who() + ": cannot detach it from its network: " + e.getStatus());
      }
      timer.step("network");
    }
    try {
      teardown.removeBundle(t.bundle, t.cgroups.values());
    } catch (IOException e) {
      LOG.warning(t.who() + ": " + e.getMessage());
    }
    timer.step("rootfs+bundle");
    timer.done();
    events.deleted(t, t.init, exit);
    LOG.info("deleted " + t.who());
    return new TaskDeletion(id, t.init.pid(), exit.status(), EpochNanos.toTimestamp(exit.at()));
  }

  public void pause(String namespace, String id) {
    Task t = task(namespace, id);
    synchronized (t) {
      if (t.init.status != Status.RUNNING) {
        throw Errors.failedPrecondition("cannot pause task %s: it is %s", id, t.init.status.name().toLowerCase());
      }
      t.oci.pause(id);
      t.init.status = Status.PAUSED;
    }
    events.paused(t);
  }

  public void resume(String namespace, String id) {
    Task t = task(namespace, id);
    synchronized (t) {
      if (t.init.status != Status.PAUSED) {
        throw Errors.failedPrecondition("cannot resume task %s: it is %s", id, t.init.status.name().toLowerCase());
      }
      t.oci.resume(id);
      t.init.status = Status.RUNNING;
    }
    events.resumed(t);
  }

  /** The processes in the task's cgroup, exec processes named by their exec id. */
  public List<ProcessInfo> pids(String namespace, String id) {
    return statistics.pids(task(namespace, id));
  }

  /** Applies new resources (the spec's linux.resources as JSON) to a running task. */
  public void update(String namespace, String id, Any resources) {
    Task t = task(namespace, id);
    if (resources.getValue().isEmpty()) {
      throw Errors.invalidArgument("update of task %s carries no resources", id);
    }
    synchronized (t) {
      if (t.init.status == Status.STOPPED) {
        throw Errors.failedPrecondition("cannot update task %s: it is stopped", id);
      }
    }
    t.oci.update(id, resources.getValue().toByteArray());
  }

  /** cgroup statistics of the namespace's live tasks matching {@code filter} (fields: id). */
  public List<Metric> metrics(String namespace, Filter filter) {
    List<Metric> metrics = new ArrayList<>();
    for (Map.Entry<Key, Task> e : tasks.entrySet()) {
      Task t = e.getValue();
      if (!e.getKey().namespace().equals(namespace)
          || !filter.matches(path -> path.equals(List.of("id")) ? Optional.of(t.id) : Optional.empty())) {
        continue;
      }
      synchronized (t) {
        if (t.init.status == Status.STOPPED) {
          continue;
        }
      }
      metrics.add(statistics.metric(t));
    }
    metrics.sort((a, b) -> a.getId().compareTo(b.getId()));
    return metrics;
  }

  /** Completes when the process has ended (at once if it has); a created process may be waited for. */
  public CompletableFuture<Exit> waitFor(String namespace, String id, String execId) {
    Task t = task(namespace, id);
    synchronized (t) {
      return process(t, execId).exited();
    }
  }

  /**
   * The CRI log the conmons of the container's tasks append to, ended once the current task's
   * init process has (at once when the container has no task); it stays until the container
   * record is deleted.
   */
  @Override
  public TaskLog log(String namespace, String id) {
    Identifiers.validate("container id", id);
    containers.get(namespace, id);
    Path log = layout.log(namespace, id);
    Task t = tasks.get(new Key(namespace, id));
    if (t == null) {
      if (!Files.exists(log)) {
        throw Errors.notFound("no logs for container %s: it has never run", id);
      }
      return new TaskLog(log, CompletableFuture.completedFuture(null));
    }
    synchronized (t) {
      // a copy: the reader must not be able to complete the process's own exit
      return new TaskLog(log, t.init.exited().copy());
    }
  }

  /** A deleted container's log goes with its record; its running conmon, if any, writes on into the unlinked file. */
  private void removeLog(String namespace, String id) {
    try {
      Files.deleteIfExists(layout.log(namespace, id));
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

  /** Resizes the process's terminal through conmon's control fifo. */
  public void resizePty(String namespace, String id, String execId, int width, int height) {
    Task t = task(namespace, id);
    TaskProcess p;
    synchronized (t) {
      p = process(t, execId);
      if (!p.io.terminal()) {
        throw Errors.failedPrecondition("process %s of task %s has no terminal", p.isInit() ? id : execId, id);
      }
      if (p.status == Status.STOPPED) {
        // clients resize on SIGWINCH and right after start, racing the process's end: nothing to do then
        return;
      }
    }
    try {
      Syscalls.writeToFifoNow(p.dir.resolve("ctl"), ("1 " + height + " " + width + "\n").getBytes(StandardCharsets.US_ASCII));
    } catch (NativeException e) {
      throw Errors.failedPrecondition("cannot resize the terminal of task %s: %s", id, e.getMessage());
    }
  }

  /** Closes the process's stdin, so that it reads end of file. */
  public void closeStdin(String namespace, String id, String execId) {
    Task t = task(namespace, id);
    AttachRelay relay;
    synchronized (t) {
      relay = process(t, execId).relay;
    }
    if (relay != null) {
      relay.closeStdin();
    }
  }

  /** Stops watching and relaying; the containers and their monitors keep running. */
  @Override
  public void close() {
    stopHearingOfDeletions.run();
    for (Task t : tasks.values()) {
      synchronized (t) {
        t.execs.values().forEach(teardown::detachProcess);
        teardown.detachProcess(t.init);
      }
    }
    tasks.clear();
    try {
      watcher.close();
    } catch (IOException e) {
      LOG.warning("closing exit watcher: " + e.getMessage());
    }
  }

  private void persist(TaskProcess p) {
    try {
      p.record.write(p.dir.resolve(TaskLayout.STATE_FILE));
    } catch (IOException e) {
      LOG.warning("cannot record state of " + p.dir + ": " + e.getMessage());
    }
  }

  private Task task(String namespace, String id) {
    Task t = tasks.get(new Key(namespace, id));
    if (t == null) {
      throw Errors.notFound("task %s not found in namespace %s", Identifiers.printable(id), namespace);
    }
    return t;
  }

  private static TaskProcess process(Task t, String execId) {
    if (execId.isEmpty()) {
      return t.init;
    }
    TaskProcess p = t.execs.get(execId);
    if (p == null) {
      throw Errors.notFound("exec %s not found in task %s", Identifiers.printable(execId), t.id);
    }
    return p;
  }
}
