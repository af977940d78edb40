package dev.berth.tasks;

import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import com.google.protobuf.Any;
import containerd.services.containers.v1.Container;
import containerd.types.Mount;
import dev.berth.api.fs.AtomicFiles;
import dev.berth.api.grpc.Errors;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.tasks.io.AttachRelay;
import dev.berth.tasks.io.ProcessIo;
import dev.berth.tasks.network.ContainerNetworking;
import dev.berth.tasks.runtime.Conmon;
import dev.berth.tasks.runtime.RuntimeBinary;
import dev.berth.tasks.runtime.RuntimeErrors;
import dev.berth.tasks.runtime.TaskRuntime;
import dev.berth.tasks.spec.HostLimits;
import dev.berth.tasks.spec.OciSpec;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.logging.Logger;
import javax.inject.Inject;

/**
 * Create: the network attachment the container's labels ask for, the namespaces of the
 * containers they name to join ({@link JoinedNamespace}), bundle (config.json from the
 * container's spec, rootfs mounted from the request's mounts or the container's snapshot, a
 * shareable /dev/shm: {@link SharedShm}), then
 * conmon running the runtime's create, then the attach relay, so output is caught from the first
 * byte. Anything that fails undoes what was done.
 */
final class TaskCreator {
  private static final Logger LOG = Logger.getLogger(TaskCreator.class.getName());

  private final TaskLayout layout;
  private final TaskRuntime runtime;
  private final HostLimits host;
  private final SnapshotMounts snapshots;
  private final ContainerNetworking networking;
  private final ExitTracking tracking;
  private final TaskTeardown teardown;

  @Inject
  TaskCreator(TaskLayout layout, TaskRuntime runtime, HostLimits host, SnapshotMounts snapshots,
      ContainerNetworking networking, ExitTracking tracking, TaskTeardown teardown) {
    this.layout = layout;
    this.runtime = runtime;
    this.host = host;
    this.snapshots = snapshots;
    this.networking = networking;
    this.tracking = tracking;
    this.teardown = teardown;
  }

  /** The created task (its init process waiting to be started) and the rootfs mounts it used. */
  record Created(Task task, List<Mount> rootfs) {}

  /** @param joined the donors' namespaces, looked up just before, that the container's labels ask for */
  Created create(String namespace, Container container, TaskSpec request, List<JoinedNamespace> joined) {
    String id = container.getId();
    String who = Task.who(namespace, id);
    StepTimer timer = new StepTimer("create " + who);
    ProcessIo io = request.io();
    OciSpec spec = OciSpec.container(id, container.getSpec());
    Optional<Any> options = request.runtimeOptions().isPresent() ? request.runtimeOptions()
        : container.getRuntime().hasOptions() ? Optional.of(container.getRuntime().getOptions()) : Optional.empty();
    String runtimeName = container.getRuntime().getName();
    RuntimeBinary binary = runtime.resolve(runtimeName, options, layout.runtimeRoot(namespace));
    List<Mount> mounts = !request.rootfs().isEmpty() ? request.rootfs()
        : container.getSnapshotKey().isEmpty() ? List.of()
        : snapshots.of(namespace, container.getSnapshotter(), container.getSnapshotKey());
    RootfsMounts.validate(mounts);
    spec.fitTo(host, who);
    joined.forEach(j -> j.pointAt(spec));
    Optional<AttachRequest> requested = ContainerNetworking.requested(container, spec.domainname());
    List<AttachRequest> networks = requested.isEmpty() ? List.of()
        : networking.gatewayFirst(requested.get(), ContainerNetworking.connected(container));
    Optional<AttachRequest> network = networks.stream().findFirst();
    List<AttachRequest> moreNetworks = networks.stream().skip(1).toList();
    timer.step("resolve");

    Path bundle = layout.bundle(namespace, id);
    Task task = null;
    Optional<Attachment> attached = Optional.empty();
    try {
      if (network.isPresent()) {
        // first, so that a refused attachment (a malformed label, an unknown network) leaves nothing to undo
        attached = Optional.of(notTheTasks(() -> networking.attach(namespace, network.get())));
        ContainerNetworking.configure(spec, attached.get(), who);
        for (AttachRequest more : moreNetworks) {
          notTheTasks(() -> networking.attachAlso(namespace, more));
        }
        timer.step("network");
      }
      if (Files.exists(bundle)) {
        LOG.warning("removing leftover bundle " + bundle);
        runtime.delete(binary, id);
        teardown.removeBundle(bundle, List.of());
      }
      Files.createDirectories(bundle.resolve("rootfs"));
      Files.createDirectories(layout.runtimeRoot(namespace));
      Files.createDirectories(layout.socketDir());
      Path log = layout.log(namespace, container);
      Files.createDirectories(log.getParent());
      if (attached.isPresent()) {
        // tells Delete, also in a later berthd, to detach the container
        AtomicFiles.write(bundle.resolve(TaskLayout.NETWORK_FILE),
            attached.get().getNetwork().getBytes(StandardCharsets.UTF_8));
      }
      if (!mounts.isEmpty()) {
        RootfsMounts.mount(mounts, bundle.resolve("rootfs"));
        spec.useRootfs("rootfs");
      }
      SharedShm.mountIfShareable(container, spec, bundle);
      for (JoinedNamespace j : joined) {
        j.keepShmIn(bundle);
      }
      timer.step("rootfs");
      if (spec.cgroupsPath().isEmpty()) {
        spec.setCgroupsPath("/" + namespace + "/" + id);
      }
      // no fsync: only the runtime's create reads it, and after a crash a bundle without a
      // state record is removed, while one with a record has its config in the runtime's state
      Files.write(bundle.resolve("config.json"), spec.toBytes());

      String monitorId = monitorId();
      ProcessRecord record = new ProcessRecord(namespace, id, "", monitorId, io.stdin(), io.stdout(), io.stderr(),
          io.terminal(), 0, 0, false, runtimeName, binary.binary().toString(), binary.root().toString(),
          mounts.stream().map(m -> new ProcessRecord.RootfsMount(m.getType(), m.getSource(), m.getOptionsList())).toList(),
          Map.of());
      TaskProcess init = new TaskProcess(who, "", bundle, io, record, ProcessStatus.CREATED);
      task = new Task(namespace, id, bundle, binary, new LinkedHashMap<>(), init);
      tracking.track(task, init);
      timer.step("bundle");

      TaskRuntime.Monitor monitor = runtime.create(new TaskRuntime.Launch(id, monitorId, binary, bundle, layout.socketDir(),
          io.terminal(), !io.stdin().isEmpty(), heldStdin(container, io), criLog(container, log), Optional.empty()));
      timer.step(binary.binary().getFileName() + " create");
      // before anyone sees the task: a donor that ended meanwhile leaves it undone
      joined.forEach(j -> j.verify(monitor.pid()));
      Map<String, Path> dirs = runtime.cgroups(monitor.pid());
      task.cgroups.putAll(dirs);
      Map<String, String> stored = new HashMap<>();
      dirs.forEach((k, v) -> stored.put(k, v.toString()));
      ProcessRecord created = new ProcessRecord(namespace, id, "", monitorId, io.stdin(), io.stdout(), io.stderr(),
          io.terminal(), monitor.pid(), monitor.monitorPid(), false, runtimeName, binary.binary().toString(),
          binary.root().toString(), record.rootfs(), stored);
      created.write(bundle.resolve(TaskLayout.STATE_FILE));
      init.launched(created);
      timer.step("state");
      if (io.any()) {
        init.attach(AttachRelay.start(Conmon.attachSocket(layout.socketDir(), monitorId), io, who));
      }
      timer.step("attach");
      timer.done();
      LOG.info("created " + who + " (pid " + monitor.pid() + ", " + binary.binary() + ")");
      return new Created(task, mounts);
    } catch (IOException e) {
      undo(task, binary, namespace, id, bundle, attached.isPresent());
      throw RuntimeErrors.unknown("failed to create task %s: %s", id, e.getMessage());
    } catch (RuntimeException e) {
      undo(task, binary, namespace, id, bundle, attached.isPresent());
      throw e;
    }
  }

  /**
   * The attachment {@code attach} makes, with the network's ALREADY_EXISTS (an address or
   * endpoint in use) answered as FAILED_PRECONDITION: from Create, ALREADY_EXISTS says the
   * container has a task, and clients take that for someone else's start (containerd's errdefs:
   * the state the call needs, a free address, is not there).
   */
  private static Attachment notTheTasks(Supplier<Attachment> attach) {
    try {
      return attach.get();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
        throw e;
      }
      throw Errors.failedPrecondition("%s", String.valueOf(e.getStatus().getDescription()));
    }
  }

  private void undo(Task task, RuntimeBinary binary, String namespace, String id, Path bundle, boolean attached) {
    if (task != null) {
      // before the delete kills the process: the exit of a task nobody was told of is no event
      tracking.untrack(task.init);
    }
    try {
      runtime.delete(binary, id);
      if (task != null) {
        teardown.releaseProcess(task.init);
      }
      teardown.removeBundle(bundle, task == null ? List.of() : task.cgroups.values());
    } catch (IOException | RuntimeException e) {
      LOG.warning("cleaning up after failed create of " + Task.who(namespace, id) + ": " + e.getMessage());
    }
    if (attached) {
      try {
        networking.detach(namespace, id);
      } catch (RuntimeException e) {
        LOG.warning("detaching " + Task.who(namespace, id) + " after its failed create: " + e.getMessage());
      }
    }
  }

  /**
   * The container's log as its labels ask: none with {@link ContainerLabels#LOG_DRIVER} {@code none}
   * (docker's), else at {@code file}, started again past {@link ContainerLabels#LOG_MAX_SIZE} bytes,
   * or past a backstop if berthd rotates it ({@link LogRotation}).
   */
  private static Optional<TaskRuntime.CriLog> criLog(Container container, Path file) {
    if (ContainerLabels.LOG_DRIVER_NONE.equals(container.getLabelsMap().get(ContainerLabels.LOG_DRIVER))) {
      return Optional.empty();
    }
    return Optional.of(new TaskRuntime.CriLog(file, LogLimits.of(container).monitorsLimit()));
  }

  /** A container made with open stdin and started without a client's stdin keeps one open for later attaches. */
  static boolean holdsStdin(Container container, ProcessIo io) {
    return io.stdin().isEmpty() && ContainerLabels.TRUE.equals(container.getLabelsMap().get(ContainerLabels.OPEN_STDIN));
  }

  /** How long a held stdin stays open: for every client, or until the first one ends its input (stdin once). */
  static TaskRuntime.HeldStdin heldStdin(Container container, ProcessIo io) {
    if (!holdsStdin(container, io)) {
      return TaskRuntime.HeldStdin.NONE;
    }
    return ContainerLabels.TRUE.equals(container.getLabelsMap().get(ContainerLabels.STDIN_ONCE))
        ? TaskRuntime.HeldStdin.UNTIL_FIRST_CLIENT_ENDS : TaskRuntime.HeldStdin.OPEN;
  }

  static String monitorId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }
}
