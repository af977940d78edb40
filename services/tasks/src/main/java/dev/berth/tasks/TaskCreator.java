package dev.berth.tasks;

import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import com.google.protobuf.Any;
import containerd.services.containers.v1.Container;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.types.Mount;
import containerd.v1.types.Status;
import dev.berth.api.fs.AtomicFiles;
import dev.berth.api.grpc.Errors;
import dev.berth.tasks.cgroups.CgroupLayout;
import dev.berth.tasks.io.AttachRelay;
import dev.berth.tasks.io.ProcessIo;
import dev.berth.tasks.network.ContainerNetworking;
import dev.berth.tasks.runtime.Conmon;
import dev.berth.tasks.runtime.OciRuntime;
import dev.berth.tasks.runtime.RuntimeBinary;
import dev.berth.tasks.runtime.RuntimeConfig;
import dev.berth.tasks.runtime.RuntimeErrors;
import dev.berth.tasks.runtime.RuntimeResolver;
import dev.berth.tasks.spec.HostLimits;
import dev.berth.tasks.spec.OciSpec;
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
import java.util.logging.Logger;

/**
 * Create: the network attachment the container's labels ask for, bundle (config.json from the
 * container's spec, rootfs mounted from the request's mounts or the container's snapshot), then
 * conmon running the runtime's create, then the attach relay, so output is caught from the first
 * byte. Anything that fails undoes what was done.
 */
final class TaskCreator {
  private static final Logger LOG = Logger.getLogger(TaskCreator.class.getName());

  private final TaskLayout layout;
  private final RuntimeConfig config;
  private final RuntimeResolver runtimes;
  private final CgroupLayout cgroups;
  private final HostLimits host;
  private final SnapshotMounts snapshots;
  private final ContainerNetworking networking;
  private final Conmon conmon;
  private final ExitTracking tracking;
  private final TaskTeardown teardown;

  TaskCreator(TaskLayout layout, RuntimeConfig config, CgroupLayout cgroups, HostLimits host, SnapshotMounts snapshots,
      ContainerNetworking networking, ExitTracking tracking, TaskTeardown teardown) {
    this.layout = layout;
    this.config = config;
    this.runtimes = new RuntimeResolver(config, cgroups);
    this.cgroups = cgroups;
    this.host = host;
    this.snapshots = snapshots;
    this.networking = networking;
    this.conmon = new Conmon(config.conmon(), config.timeout());
    this.tracking = tracking;
    this.teardown = teardown;
  }

  /** The created task (its init process waiting to be started) and the rootfs mounts it used. */
  record Created(Task task, List<Mount> rootfs) {}

  Created create(String namespace, Container container, CreateTaskRequest request) {
    String id = container.getId();
    StepTimer timer = new StepTimer("create task " + id + " in namespace " + namespace);
    if (request.hasCheckpoint() && !request.getCheckpoint().getDigest().isEmpty()) {
      throw Errors.unimplemented("restoring from a checkpoint is not supported");
    }
    ProcessIo io = new ProcessIo(request.getStdin(), request.getStdout(), request.getStderr(), request.getTerminal());
    OciSpec spec = OciSpec.container(id, container.getSpec());
    Optional<Any> options = request.hasOptions() ? Optional.of(request.getOptions())
        : container.getRuntime().hasOptions() ? Optional.of(container.getRuntime().getOptions()) : Optional.empty();
    String runtimeName = container.getRuntime().getName();
    RuntimeBinary runtime = new RuntimeBinary(runtimeName, runtimes.binaryFor(runtimeName, options), layout.runtimeRoot(namespace));
    List<Mount> mounts = request.getRootfsCount() > 0 ? request.getRootfsList()
        : container.getSnapshotKey().isEmpty() ? List.of()
        : snapshots.of(namespace, container.getSnapshotter(), container.getSnapshotKey());
    RootfsMounts.validate(mounts);
    Optional<AttachRequest> network = ContainerNetworking.requested(container);
    timer.step("resolve");

    Path bundle = layout.bundle(namespace, id);
    OciRuntime oci = new OciRuntime(runtime, config.timeout());
    String who = "task " + id + " in namespace " + namespace;
    Task task = null;
    Optional<Attachment> attached = Optional.empty();
    try {
      if (network.isPresent()) {
        // first, so that a refused attachment (a malformed label, an unknown network) leaves nothing to undo
        attached = Optional.of(networking.attach(namespace, network.get()));
        ContainerNetworking.configure(spec, attached.get(), who);
        timer.step("network");
      }
      if (Files.exists(bundle)) {
        LOG.warning("removing leftover bundle " + bundle);
        oci.delete(id, true);
        teardown.removeBundle(bundle, List.of());
      }
      Files.createDirectories(bundle.resolve("rootfs"));
      Files.createDirectories(layout.runtimeRoot(namespace));
      Files.createDirectories(layout.socketDir());
      Path log = layout.log(namespace, id);
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
      timer.step("rootfs");
      if (spec.cgroupsPath().isEmpty()) {
        spec.setCgroupsPath("/" + namespace + "/" + id);
      }
      spec.fitTo(host, who);
      AtomicFiles.write(bundle.resolve("config.json"), spec.toBytes());

      String monitorId = monitorId();
      ProcessRecord record = new ProcessRecord(namespace, id, "", monitorId, io.stdin(), io.stdout(), io.stderr(),
          io.terminal(), 0, 0, false, runtimeName, runtime.binary().toString(), runtime.root().toString(),
          mounts.stream().map(m -> new ProcessRecord.RootfsMount(m.getType(), m.getSource(), m.getOptionsList())).toList(),
          Map.of());
      TaskProcess init = new TaskProcess("", bundle, io, record, Status.CREATED);
      task = new Task(namespace, id, bundle, runtime, oci, new LinkedHashMap<>(), init);
      tracking.track(task, init);
      timer.step("bundle");

      Conmon.Monitor monitor = conmon.create(new Conmon.Launch(id, monitorId, runtime, bundle, layout.socketDir(),
          io.terminal(), !io.stdin().isEmpty(), Optional.of(log), Optional.empty()));
      timer.step("conmon+" + runtime.binary().getFileName() + " create");
      Map<String, Path> dirs = cgroupDirs(monitor.pid());
      task.cgroups.putAll(dirs);
      Map<String, String> stored = new HashMap<>();
      dirs.forEach((k, v) -> stored.put(k, v.toString()));
      init.record = new ProcessRecord(namespace, id, "", monitorId, io.stdin(), io.stdout(), io.stderr(), io.terminal(),
          monitor.pid(), monitor.conmonPid(), false, runtimeName, runtime.binary().toString(), runtime.root().toString(),
          record.rootfs(), stored);
      init.record.write(bundle.resolve(TaskLayout.STATE_FILE));
      timer.step("state");
      if (io.any()) {
        init.relay = AttachRelay.start(Conmon.attachSocket(layout.socketDir(), monitorId), io, who);
      }
      timer.step("attach");
      timer.done();
      LOG.info("created " + who + " (pid " + monitor.pid() + ", " + runtime.binary() + ")");
      return new Created(task, mounts);
    } catch (Conmon.RuntimeFailure e) {
      undo(task, oci, namespace, id, bundle, attached.isPresent());
      throw RuntimeErrors.unknown("failed to create task %s: %s", id, e.getMessage());
    } catch (IOException e) {
      undo(task, oci, namespace, id, bundle, attached.isPresent());
      throw RuntimeErrors.unknown("failed to create task %s: %s", id, e.getMessage());
    } catch (RuntimeException e) {
      undo(task, oci, namespace, id, bundle, attached.isPresent());
      throw e;
    }
  }

  private Map<String, Path> cgroupDirs(int pid) throws IOException {
    Map<String, Path> dirs = new LinkedHashMap<>();
    // the runtime's own cgroup (where berthd runs) is no task cgroup: keep only the ones created for it
    Map<String, Path> ours = cgroups.cgroupDirs((int) ProcessHandle.current().pid());
    cgroups.cgroupDirs(pid).forEach((controller, dir) -> {
      if (!dir.equals(ours.get(controller))) {
        dirs.put(controller, dir);
      }
    });
    return dirs;
  }

  private void undo(Task task, OciRuntime oci, String namespace, String id, Path bundle, boolean attached) {
    try {
      oci.delete(id, true);
      if (task != null) {
        teardown.releaseProcess(task.init);
      }
      teardown.removeBundle(bundle, task == null ? List.of() : task.cgroups.values());
    } catch (IOException | RuntimeException e) {
      LOG.warning("cleaning up after failed create of " + id + ": " + e.getMessage());
    }
    if (attached) {
      try {
        networking.detach(namespace, id);
      } catch (RuntimeException e) {
        LOG.warning("detaching " + id + " after its failed create: " + e.getMessage());
      }
    }
  }

  static String monitorId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 16);
  }
}
