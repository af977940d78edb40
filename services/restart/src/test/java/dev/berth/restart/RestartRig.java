package dev.berth.restart;

import com.google.protobuf.Empty;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.CreateContainerRequest;
import containerd.services.containers.v1.GetContainerRequest;
import containerd.services.snapshots.v1.MountsRequest;
import containerd.services.snapshots.v1.MountsResponse;
import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.GetRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.ListTasksRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.tasks.v1.WaitRequest;
import containerd.types.Mount;
import containerd.v1.types.Process;
import dev.berth.api.grpc.Errors;
import dev.berth.common.grpc.NamespaceRegistration;
import dev.berth.common.grpc.ServiceInterceptors;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.gc.GrpcGarbageCollectionRequests;
import dev.berth.metadata.MetadataServices;
import dev.berth.tasks.testing.HostLeftovers;
import dev.berth.tasks.TaskManager;
import dev.berth.tasks.containers.ContainerStore;
import dev.berth.tasks.server.ContainersService;
import dev.berth.tasks.runtime.RuntimeConfig;
import dev.berth.tasks.testing.ConmonTasks;
import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * berthd's services that the restart monitor talks to, real and in-process: Namespaces and
 * Events (metadata), Containers and Tasks on runc under conmon, and a Snapshots stand-in whose
 * every snapshot is a busybox directory. Containers write a line to /out/&lt;id&gt; on each run,
 * so a test counts runs on the host. {@link #close} removes every trace even after a failure.
 */
final class RestartRig implements AutoCloseable {
  final Path dir;
  final Path state;
  final Path out;
  private final Path rootfs;
  private final String cgroupParent = "berth-test-" + UUID.randomUUID().toString().substring(0, 8);
  private final MetadataStore store;
  private final TaskManager manager;
  private final Server server;
  final ManagedChannel channel;
  final ContainersGrpc.ContainersBlockingStub containers;
  final TasksGrpc.TasksBlockingStub tasks;
  private final List<RestartMonitor> monitors = new ArrayList<>();
  private final Map<String, Integer> runsAtLastKill = new HashMap<>();

  /** How many of the next Mounts calls fail with UNAVAILABLE, as a snapshotter having trouble would. */
  final AtomicInteger snapshotFailures = new AtomicInteger();

  /** The keys of the snapshots removed, in order. */
  final List<String> removedSnapshots = new CopyOnWriteArrayList<>();

  /**
   * Mounts of every snapshot: the busybox directory, as a snapshotter answers for a parentless
   * one. Removing a snapshot only records its key.
   */
  private final class BusyboxSnapshots extends SnapshotsGrpc.SnapshotsImplBase {
    @Override
    public void remove(RemoveSnapshotRequest request, StreamObserver<Empty> response) {
      removedSnapshots.add(request.getKey());
      response.onNext(Empty.getDefaultInstance());
      response.onCompleted();
    }

    @Override
    public void mounts(MountsRequest request, StreamObserver<MountsResponse> response) {
      if (snapshotFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
        throw Errors.unavailable("snapshotter is having trouble with %s", request.getKey());
      }
      response.onNext(MountsResponse.newBuilder().addMounts(Mount.newBuilder().setType("bind")
          .setSource(rootfs.toString()).addOptions("rbind").addOptions("rw")).build());
      response.onCompleted();
    }
  }

  RestartRig(Path dir) throws IOException {
    this.dir = dir;
    this.state = dir.resolve("state");
    this.out = Files.createDirectories(dir.resolve("out"));
    this.rootfs = busybox(dir.resolve("image"));
    this.store = MetadataStore.open(dir.resolve("root/meta.db"));
    String name = "restart-test-" + UUID.randomUUID();
    this.channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    MetadataServices metadata = new MetadataServices(dir.resolve("root"), store, List.of(), List::of,
        new GrpcGarbageCollectionRequests(channel));
    ContainerStore records = new ContainerStore(store, new NamespaceRegistration(channel));
    ConmonTasks tasks = ConmonTasks.open(state, records, metadata.eventPublisher(), channel);
    this.manager = tasks.manager();
    this.manager.beginRecovery();
    List<BindableService> services = new ArrayList<>(metadata.services());
    services.add(new ContainersService(records, metadata.eventPublisher()));
    services.add(tasks.service());
    services.add(new BusyboxSnapshots());
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name).directExecutor();
    services.forEach(s -> builder.addService(ServiceInterceptors.wrap(s)));
    this.server = builder.build().start();
    this.containers = ContainersGrpc.newBlockingStub(channel);
    this.tasks = TasksGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
  }

  /** A monitor on {@code api} (the rig's channel, or one wrapping it), closed with the rig. */
  RestartMonitor monitor(Channel api) {
    RestartMonitor m = new RestartMonitor(api);
    monitors.add(m);
    m.start();
    return m;
  }

  /** A container whose snapshot is busybox and whose every run appends a line to /out/&lt;id&gt;. */
  void container(String id, Map<String, String> labels, boolean terminal, String script) {
    containers.create(CreateContainerRequest.newBuilder().setContainer(Container.newBuilder()
        .setId(id)
        .setRuntime(Container.Runtime.newBuilder().setName(RuntimeConfig.RUNC_V2))
        .setSnapshotter("overlayfs").setSnapshotKey(id)
        .putAllLabels(labels)
        .setSpec(TestSpecs.spec("/" + cgroupParent + "/" + id, out, terminal, "sh", "-c",
            "echo run >> /out/" + id + "; " + script))).build());
  }

  /** Creates and starts the container's task as a client does: no rootfs mounts, no IO. */
  void startTask(String id, boolean terminal) {
    tasks.create(CreateTaskRequest.newBuilder().setContainerId(id).setTerminal(terminal).build());
    tasks.start(StartRequest.newBuilder().setContainerId(id).build());
  }

  Optional<Process> task(String id) {
    try {
      return Optional.of(tasks.get(GetRequest.newBuilder().setContainerId(id).build()).getProcess());
    } catch (StatusRuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * Kills the task with SIGKILL and waits for it to end. The kill waits for the run to have
   * counted itself first: a task killed before its shell got to the echo would not count.
   */
  void kill(String id) {
    int before = runsAtLastKill.getOrDefault(id, 0);
    try {
      await("run " + (before + 1) + " of " + id + " to count itself", Duration.ofSeconds(15), () -> runs(id) > before);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    runsAtLastKill.put(id, runs(id));
    tasks.kill(KillRequest.newBuilder().setContainerId(id).setSignal(9).build());
    tasks.wait(WaitRequest.newBuilder().setContainerId(id).build());
  }

  boolean exists(String id) {
    try {
      containers.get(GetContainerRequest.newBuilder().setId(id).build());
      return true;
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
        return false;
      }
      throw e;
    }
  }

  Map<String, String> labels(String id) {
    return containers.get(GetContainerRequest.newBuilder().setId(id).build()).getContainer().getLabelsMap();
  }

  /** How many times the container's process has run. */
  int runs(String id) {
    Path log = out.resolve(id);
    try {
      return Files.exists(log) ? Files.readAllLines(log).size() : 0;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      Thread.sleep(50);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      monitors.forEach(RestartMonitor::close);
      HostLeftovers.removeTasks(tasks);
    } finally {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
      channel.shutdownNow();
      manager.close();
      HostLeftovers.scrub(state, dir, cgroupParent);
      store.close();
    }
  }

  /** Debian's busybox-static with the applets the tests use. */
  private static Path busybox(Path root) throws IOException {
    Files.createDirectories(root.resolve("bin"));
    Path busybox = root.resolve("bin/busybox");
    Files.copy(Path.of("/bin/busybox"), busybox, StandardCopyOption.REPLACE_EXISTING);
    Files.setPosixFilePermissions(busybox, PosixFilePermissions.fromString("rwxr-xr-x"));
    for (String applet : List.of("sh", "echo", "sleep", "true")) {
      Files.createSymbolicLink(root.resolve("bin").resolve(applet), Path.of("busybox"));
    }
    for (String d : List.of("proc", "dev", "out", "tmp")) {
      Files.createDirectories(root.resolve(d));
    }
    return root;
  }
}
