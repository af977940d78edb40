package dev.berth.tasks;

import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.CreateContainerRequest;
import containerd.services.tasks.v1.TasksGrpc;
import dev.berth.common.fs.FileTrees;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.testing.InProcessServices;
import dev.berth.tasks.containers.ContainerStore;
import dev.berth.tasks.runtime.RuntimeConfig;
import dev.berth.tasks.server.ContainersService;
import io.grpc.BindableService;
import io.grpc.Channel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Containers and Tasks served in-process over a {@link FakeRuntime}, fresh for each test:
 * register it with {@code @RegisterExtension}. No kernel, no runc: a test takes milliseconds.
 */
final class FakeTaskRig implements BeforeEachCallback, AfterEachCallback {
  private final BindableService[] apiServices;
  Path dir;
  FakeRuntime runtime;
  RecordingEvents events;
  TaskManager manager;
  ContainersGrpc.ContainersBlockingStub containersApi;
  TasksGrpc.TasksBlockingStub tasksApi;
  TasksGrpc.TasksFutureStub tasksAsync;
  private MetadataStore store;
  private InProcessServices api;
  private InProcessServices services;

  /**
   * @param apiServices what answers the task manager's calls to other services (networks, for
   *     containers with network labels); with none, the containers may ask nothing of them
   */
  FakeTaskRig(BindableService... apiServices) {
    this.apiServices = apiServices;
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("berth-fake-tasks");
    runtime = new FakeRuntime(dir.resolve("cgroups"));
    events = new RecordingEvents();
    store = MetadataStore.open(dir.resolve("meta.db"));
    ContainerStore containers = new ContainerStore(store, namespace -> { });
    api = InProcessServices.start(apiServices);
    FakeTasks tasks = DaggerFakeTasks.factory().create(new TasksConfig(dir.resolve("state"), RuntimeConfig.defaults()),
        containers, events, api.channel(), runtime);
    manager = tasks.manager();
    manager.beginRecovery();
    services = InProcessServices.start(new ContainersService(containers, events), tasks.service());
    containersApi = ContainersGrpc.newBlockingStub(services.channel());
    tasksApi = TasksGrpc.newBlockingStub(services.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
    tasksAsync = TasksGrpc.newFutureStub(services.channel());
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    services.close();
    manager.close();
    api.close();
    store.close();
    FileTrees.deleteRecursively(dir);
  }

  void container(String id) {
    container(id, Map.of());
  }

  void container(String id, Map<String, String> labels) {
    containersApi.create(CreateContainerRequest.newBuilder().setContainer(Container.newBuilder()
        .setId(id)
        .putAllLabels(labels)
        .setRuntime(Container.Runtime.newBuilder().setName(RuntimeConfig.RUNC_V2))
        .setSpec(Specs.any(Specs.SPEC_TYPE, Specs.spec("/fake/" + id, "sleep", "1000")))).build());
  }

  /** The channel the task manager reaches other services on. */
  Channel api() {
    return api.channel();
  }

  /** Where the task's bundle is, as runc would be given it. */
  Path bundle(String id) {
    return dir.resolve("state/tasks/default").resolve(id);
  }
}
