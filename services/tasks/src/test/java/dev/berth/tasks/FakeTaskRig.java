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
import io.grpc.ManagedChannel;
import io.grpc.inprocess.InProcessChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Containers and Tasks served in-process over a {@link FakeRuntime}, fresh for each test:
 * register it with {@code @RegisterExtension}. No kernel, no runc: a test takes milliseconds.
 */
final class FakeTaskRig implements BeforeEachCallback, AfterEachCallback {
  Path dir;
  FakeRuntime runtime;
  RecordingEvents events;
  TaskManager manager;
  ContainersGrpc.ContainersBlockingStub containersApi;
  TasksGrpc.TasksBlockingStub tasksApi;
  TasksGrpc.TasksFutureStub tasksAsync;
  private MetadataStore store;
  private ManagedChannel nowhere;
  private InProcessServices services;

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    dir = Files.createTempDirectory("berth-fake-tasks");
    runtime = new FakeRuntime(dir.resolve("cgroups"));
    events = new RecordingEvents();
    store = MetadataStore.open(dir.resolve("meta.db"));
    ContainerStore containers = new ContainerStore(store, namespace -> { });
    // the task's containers bring neither snapshots nor network labels: nothing is asked of other services
    nowhere = InProcessChannelBuilder.forName("nowhere").directExecutor().build();
    FakeTasks tasks = DaggerFakeTasks.factory().create(new TasksConfig(dir.resolve("state"), RuntimeConfig.defaults()),
        containers, events, nowhere, runtime);
    manager = tasks.manager();
    services = InProcessServices.start(new ContainersService(containers, events), tasks.service());
    containersApi = ContainersGrpc.newBlockingStub(services.channel());
    tasksApi = TasksGrpc.newBlockingStub(services.channel()).withDeadlineAfter(10, TimeUnit.SECONDS);
    tasksAsync = TasksGrpc.newFutureStub(services.channel());
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    services.close();
    manager.close();
    nowhere.shutdownNow();
    store.close();
    FileTrees.deleteRecursively(dir);
  }

  void container(String id) {
    containersApi.create(CreateContainerRequest.newBuilder().setContainer(Container.newBuilder()
        .setId(id)
        .setRuntime(Container.Runtime.newBuilder().setName(RuntimeConfig.RUNC_V2))
        .setSpec(Specs.any(Specs.SPEC_TYPE, Specs.spec("/fake/" + id, "sleep", "1000")))).build());
  }
}
