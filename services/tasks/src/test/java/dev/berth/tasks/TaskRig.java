package dev.berth.tasks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.CreateContainerRequest;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.ListTasksRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.services.tasks.v1.WaitRequest;
import containerd.types.Mount;
import containerd.v1.types.Process;
import dev.berth.common.fs.FileTrees;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.testing.InProcessServices;
import dev.berth.tasks.containers.ContainerStore;
import dev.berth.tasks.server.ContainersService;
import dev.berth.tasks.testing.ConmonTasks;
import dev.berth.tasks.testing.HostLeftovers;
import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Containers and Tasks served in-process over a real runc, conmon and kernel, with a busybox
 * rootfs; {@link #close} removes every trace (tasks, runtime state, monitors, mounts, cgroups)
 * even when a test failed half-way.
 */
final class TaskRig implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
  final String cgroupParent = "berth-test-" + UUID.randomUUID().toString().substring(0, 8);
  final RecordingEvents events = new RecordingEvents();
  private final BindableService[] apiServices;
  Path dir;
  Path state;
  Path rootfs;
  ContainerStore containers;
  private MetadataStore store;
  private InProcessServices api;
  TaskManager manager;
  private InProcessServices services;
  ContainersGrpc.ContainersBlockingStub containersApi;
  TasksGrpc.TasksBlockingStub tasksApi;
  TasksGrpc.TasksFutureStub tasksAsync;

  private TaskRig(BindableService... apiServices) {
    this.apiServices = apiServices;
  }

  /**
   * A rig for each test of the class registering it ({@code @RegisterExtension}), in a
   * directory of its own, with {@code apiServices} answering the task manager's calls to other
   * services.
   */
  static TaskRig perTest(BindableService... apiServices) {
    return new TaskRig(apiServices);
  }

  /** A rig in {@code dir} until {@link #close}, for tests that share one or build its services first. */
  static TaskRig start(Path dir, BindableService... apiServices) throws IOException {
    TaskRig rig = new TaskRig(apiServices);
    rig.setUp(dir);
    return rig;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    setUp(Files.createTempDirectory("berth-tasks-test"));
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      close();
    } finally {
      FileTrees.deleteRecursively(dir);
    }
  }

  private void setUp(Path dir) throws IOException {
    this.dir = dir;
    this.state = dir.resolve("state");
    this.rootfs = Busybox.rootfs(dir.resolve("image"));
    this.store = MetadataStore.open(dir.resolve("root/meta.db"));
    this.containers = new ContainerStore(store, namespace -> { });
    this.api = InProcessServices.start(apiServices);
    open();
  }

  private void open() throws IOException {
    ConmonTasks tasks = ConmonTasks.open(state, containers, events, api.channel());
    manager = tasks.manager();
    manager.beginRecovery();
    services = InProcessServices.start(new ContainersService(containers, events), tasks.service());
    Channel channel = services.channel();
    containersApi = ContainersGrpc.newBlockingStub(channel);
    tasksApi = TasksGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    tasksAsync = TasksGrpc.newFutureStub(channel);
  }

  /** Stops serving and closes the task manager, as berthd going away would; the containers keep running. */
  void shutdown() throws Exception {
    services.close();
    manager.close();
  }

  /** Opens a new task manager on the same state directory, as a restarted berthd does. */
  void reopen() throws IOException {
    open();
  }

  String cgroupsPath(String id) {
    return "/" + cgroupParent + "/" + id;
  }

  ObjectNode spec(String id, String... args) {
    return Specs.spec(cgroupsPath(id), args);
  }

  Container createContainer(String id, ObjectNode spec) {
    return createContainer(id, spec, Map.of());
  }

  Container createContainer(String id, ObjectNode spec, Map<String, String> labels) {
    return containersApi.create(CreateContainerRequest.newBuilder().setContainer(Container.newBuilder()
        .setId(id)
        .putAllLabels(labels)
        .setRuntime(Container.Runtime.newBuilder().setName("io.containerd.runc.v2"))
        .setSpec(Specs.any(Specs.SPEC_TYPE, spec))).build()).getContainer();
  }

  /** The channel the task manager reaches the other services (the ones the rig was started with) through. */
  Channel api() {
    return api.channel();
  }

  Mount rootfsMount() {
    return Mount.newBuilder().setType("bind").setSource(rootfs.toString()).addOptions("rbind").addOptions("rw").build();
  }

  Path fifo(String name) throws IOException, InterruptedException {
    Path fifo = dir.resolve(name);
    if (new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor() != 0) {
      throw new IOException("mkfifo " + fifo + " failed");
    }
    return fifo;
  }

  @Override
  public void close() throws Exception {
    try {
      HostLeftovers.removeTasks(tasksApi);
    } finally {
      services.close();
      manager.close();
      api.close();
      HostLeftovers.scrub(state, dir, cgroupParent);
      store.close();
    }
  }

}
