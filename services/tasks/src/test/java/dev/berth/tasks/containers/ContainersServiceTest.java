package dev.berth.tasks.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.FieldMask;
import com.google.protobuf.Message;
import containerd.events.ContainerCreate;
import containerd.events.ContainerDelete;
import containerd.events.ContainerUpdate;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.CreateContainerRequest;
import containerd.services.containers.v1.DeleteContainerRequest;
import containerd.services.containers.v1.GetContainerRequest;
import containerd.services.containers.v1.ListContainerMessage;
import containerd.services.containers.v1.ListContainersRequest;
import containerd.services.containers.v1.UpdateContainerRequest;
import dev.berth.common.events.EventPublisher;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.grpc.LabelPreconditions;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.testing.InProcessServices;
import dev.berth.tasks.server.ContainersService;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import dev.berth.api.labels.ContainerLabels;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

class ContainersServiceTest {
  private static final Any SPEC = Any.newBuilder().setTypeUrl("types.containerd.io/opencontainers/runtime-spec/1/Spec")
      .setValue(ByteString.copyFromUtf8("{\"ociVersion\":\"1.0.2\"}")).build();

  @TempDir
  Path dir;
  MetadataStore store;
  ContainerStore containers;
  InProcessServices server;
  ContainersGrpc.ContainersBlockingStub api;
  final List<String> registered = new ArrayList<>();
  final List<String> topics = new ArrayList<>();
  final List<Message> payloads = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    store = MetadataStore.open(dir.resolve("meta.db"));
    EventPublisher events = (ns, topic, event) -> {
      topics.add(ns + " " + topic);
      payloads.add(event);
    };
    containers = new ContainerStore(store, registered::add);
    server = InProcessServices.start(new ContainersService(containers, events));
    api = ContainersGrpc.newBlockingStub(server.inNamespace("ns1"));
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    store.close();
  }

  private static Container.Builder container(String id) {
    return Container.newBuilder().setId(id).setImage("docker.io/library/busybox:latest")
        .setRuntime(Container.Runtime.newBuilder().setName("io.containerd.runc.v2"))
        .setSpec(SPEC).setSnapshotter("overlayfs").setSnapshotKey(id).putLabels("a", "1");
  }

  private Container create(Container.Builder c) {
    return api.create(CreateContainerRequest.newBuilder().setContainer(c).build()).getContainer();
  }

  private static void fails(Status.Code code, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
  }

  @Test
  void createsGetsListsAndDeletesPerNamespace() {
    Container created = create(container("web"));
    assertEquals(created.getCreatedAt(), created.getUpdatedAt());
    assertEquals(List.of("ns1"), registered);
    Container got = api.get(GetContainerRequest.newBuilder().setId("web").build()).getContainer();
    assertEquals(created, got);
    assertEquals(SPEC, got.getSpec());
    create(container("db").putLabels("tier", "back"));

    assertEquals(List.of("db", "web"), api.list(ListContainersRequest.getDefaultInstance()).getContainersList()
        .stream().map(Container::getId).toList());
    assertEquals(List.of("db"), api.list(ListContainersRequest.newBuilder().addFilters("labels.tier==back").build())
        .getContainersList().stream().map(Container::getId).toList());
    List<String> streamed = new ArrayList<>();
    api.listStream(ListContainersRequest.newBuilder().addFilters("id==web").build())
        .forEachRemaining((ListContainerMessage m) -> streamed.add(m.getContainer().getId()));
    assertEquals(List.of("web"), streamed);

    ContainersGrpc.ContainersBlockingStub other = ContainersGrpc.newBlockingStub(server.inNamespace("ns2"));
    fails(Status.Code.NOT_FOUND, () -> other.get(GetContainerRequest.newBuilder().setId("web").build()));
    assertEquals(0, other.list(ListContainersRequest.getDefaultInstance()).getContainersCount());

    api.delete(DeleteContainerRequest.newBuilder().setId("web").build());
    fails(Status.Code.NOT_FOUND, () -> api.get(GetContainerRequest.newBuilder().setId("web").build()));
    fails(Status.Code.NOT_FOUND, () -> api.delete(DeleteContainerRequest.newBuilder().setId("web").build()));
    assertEquals(List.of("ns1 /containers/create", "ns1 /containers/create", "ns1 /containers/delete"), topics);
    assertEquals("io.containerd.runc.v2", ((ContainerCreate) payloads.get(0)).getRuntime().getName());
    assertEquals("web", ((ContainerDelete) payloads.get(2)).getId());
  }

  @Test
  void refusesWhatContainerdRefuses() {
    create(container("web"));
    fails(Status.Code.ALREADY_EXISTS, () -> create(container("web")));
    fails(Status.Code.INVALID_ARGUMENT, () -> create(container("nospec").clearSpec()));
    fails(Status.Code.INVALID_ARGUMENT, () -> create(container("nort").clearRuntime()));
    fails(Status.Code.INVALID_ARGUMENT, () -> create(container("Bad ID!")));
    fails(Status.Code.INVALID_ARGUMENT, () -> api.update(UpdateContainerRequest.newBuilder()
        .setContainer(container("web")).setUpdateMask(FieldMask.newBuilder().addPaths("runtime")).build()));
    fails(Status.Code.INVALID_ARGUMENT, () -> api.update(UpdateContainerRequest.newBuilder()
        .setContainer(container("web").setRuntime(Container.Runtime.newBuilder().setName("io.containerd.other.v1"))).build()));
    fails(Status.Code.NOT_FOUND, () -> api.update(UpdateContainerRequest.newBuilder().setContainer(container("nosuch")).build()));
  }

  @Test
  void aNameIsHeldByOneContainerOfTheNamespaceAtATime() throws Exception {
    create(container("first").putLabels(ContainerLabels.NAME, "web"));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> create(container("second").putLabels(ContainerLabels.NAME, "web")));
    assertEquals(Status.Code.ALREADY_EXISTS, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().startsWith(
        "Conflict. The container name \"/web\" is already in use by container \"first\""), e.getStatus().toString());
    create(container("second").putLabels(ContainerLabels.NAME, "db"));
    // renaming into a taken name is refused too; keeping one's own name is not a conflict
    fails(Status.Code.ALREADY_EXISTS, () -> api.update(UpdateContainerRequest.newBuilder()
        .setContainer(Container.newBuilder().setId("second").putLabels(ContainerLabels.NAME, "web"))
        .setUpdateMask(FieldMask.newBuilder().addPaths("labels." + ContainerLabels.NAME)).build()));
    api.update(UpdateContainerRequest.newBuilder()
        .setContainer(Container.newBuilder().setId("first").putLabels(ContainerLabels.NAME, "web").putLabels("x", "y"))
        .setUpdateMask(FieldMask.newBuilder().addPaths("labels.x")).build());
    // other namespaces have names of their own
    ContainersGrpc.newBlockingStub(server.inNamespace("ns2")).create(CreateContainerRequest.newBuilder()
        .setContainer(container("third").putLabels(ContainerLabels.NAME, "web")).build());

    // of many creating one name at once, exactly one wins
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      List<Future<Boolean>> tries = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        String id = "racer" + i;
        tries.add(pool.submit(() -> {
          try {
            create(container(id).putLabels(ContainerLabels.NAME, "dup"));
            return true;
          } catch (StatusRuntimeException refused) {
            assertEquals(Status.Code.ALREADY_EXISTS, refused.getStatus().getCode());
            return false;
          }
        }));
      }
      int won = 0;
      for (Future<Boolean> t : tries) {
        won += t.get() ? 1 : 0;
      }
      assertEquals(1, won);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void updatesTheFieldsTheMaskNames() {
    Container created = create(container("web").putLabels("b", "2"));
    Container updated = api.update(UpdateContainerRequest.newBuilder()
        .setContainer(Container.newBuilder().setId("web").putLabels("b", "3").putLabels("c", "4").setImage("ignored"))
        .setUpdateMask(FieldMask.newBuilder().addPaths("labels.b").addPaths("labels.a").build()).build()).getContainer();
    assertEquals(java.util.Map.of("b", "3"), updated.getLabelsMap());
    assertEquals(created.getImage(), updated.getImage());
    assertEquals(created.getCreatedAt(), updated.getCreatedAt());

    Container full = api.update(UpdateContainerRequest.newBuilder()
        .setContainer(container("web").setImage("new:1").clearLabels().setSnapshotKey("other")).build()).getContainer();
    assertEquals("new:1", full.getImage());
    assertEquals("other", full.getSnapshotKey());
    assertEquals(0, full.getLabelsCount());
    assertEquals(full, api.get(GetContainerRequest.newBuilder().setId("web").build()).getContainer());
    ContainerUpdate event = (ContainerUpdate) payloads.get(payloads.size() - 1);
    assertEquals("new:1", event.getImage());
    assertEquals("other", event.getSnapshotKey());
  }

  @Test
  void anUpdateWithLabelPreconditionsWritesOnlyWhileTheyHold() {
    create(container("web").putLabels("stop", "s1"));
    UpdateContainerRequest toRunning = UpdateContainerRequest.newBuilder()
        .setContainer(Container.newBuilder().setId("web").putLabels("status", "running"))
        .setUpdateMask(FieldMask.newBuilder().addPaths("labels.status")).build();
    ContainersGrpc.ContainersBlockingStub ifStoppedByS1 = ContainersGrpc.newBlockingStub(
        LabelPreconditions.require(server.inNamespace("ns1"), java.util.Map.of("stop", "s1", "status", "")));
    assertEquals("running", ifStoppedByS1.update(toRunning).getContainer().getLabelsMap().get("status"));
    ContainersGrpc.ContainersBlockingStub ifStopS1 = ContainersGrpc.newBlockingStub(
        LabelPreconditions.require(server.inNamespace("ns1"), java.util.Map.of("stop", "s1")));

    int events = topics.size();
    api.update(UpdateContainerRequest.newBuilder().setContainer(Container.newBuilder().setId("web").putLabels("stop", "s2"))
        .setUpdateMask(FieldMask.newBuilder().addPaths("labels.stop")).build());
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class, () -> ifStopS1.update(toRunning));
    assertEquals(Status.Code.FAILED_PRECONDITION, refused.getStatus().getCode());
    assertTrue(refused.getStatus().getDescription().contains("label stop is \"s2\", not \"s1\""),
        refused.getStatus().getDescription());
    assertEquals(events + 1, topics.size(), "no event for the refused update");

    ContainersGrpc.ContainersBlockingStub ifAbsent = ContainersGrpc.newBlockingStub(
        LabelPreconditions.require(server.inNamespace("ns1"), java.util.Map.of("status", "")));
    fails(Status.Code.FAILED_PRECONDITION, () -> ifAbsent.update(toRunning));
    fails(Status.Code.NOT_FOUND, () -> ifAbsent.update(toRunning.toBuilder()
        .setContainer(Container.newBuilder().setId("gone")).build()));
  }

  /** A stub in ns1 whose calls carry these raw {@code berth-labels-if-bin} values. */
  private ContainersGrpc.ContainersBlockingStub withPreconditionHeaders(byte[]... values) {
    io.grpc.Metadata headers = new io.grpc.Metadata();
    for (byte[] value : values) {
      headers.put(LabelPreconditions.HEADER, value);
    }
    return ContainersGrpc.newBlockingStub(server.inNamespace("ns1"))
        .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(headers));
  }

  @Test
  void aMalformedLabelPreconditionIsRefusedOnlyByTheUpdateThatHonoursIt() {
    create(container("web").putLabels("stop", "s1"));
    UpdateContainerRequest toRunning = UpdateContainerRequest.newBuilder()
        .setContainer(Container.newBuilder().setId("web").putLabels("status", "running"))
        .setUpdateMask(FieldMask.newBuilder().addPaths("labels.status")).build();
    ContainersGrpc.ContainersBlockingStub malformed = withPreconditionHeaders("no-equals".getBytes());
    assertEquals(1, malformed.list(ListContainersRequest.getDefaultInstance()).getContainersCount(), "ignored");
    assertEquals("web", malformed.get(GetContainerRequest.newBuilder().setId("web").build()).getContainer().getId());
    fails(Status.Code.INVALID_ARGUMENT, () -> malformed.update(toRunning));

    StatusRuntimeException twice = assertThrows(StatusRuntimeException.class,
        () -> withPreconditionHeaders("stop=s1".getBytes(), "stop=s2".getBytes()).update(toRunning));
    assertEquals(Status.Code.INVALID_ARGUMENT, twice.getStatus().getCode());
    assertTrue(twice.getStatus().getDescription().contains("label stop is named more than once"),
        twice.getStatus().getDescription());
    StatusRuntimeException notUtf8 = assertThrows(StatusRuntimeException.class,
        () -> withPreconditionHeaders(new byte[] {'s', (byte) 0xff, '=', 's', '1'}).update(toRunning));
    assertEquals(Status.Code.INVALID_ARGUMENT, notUtf8.getStatus().getCode());
    assertTrue(notUtf8.getStatus().getDescription().contains("not UTF-8"), notUtf8.getStatus().getDescription());
    assertEquals(null, api.get(GetContainerRequest.newBuilder().setId("web").build()).getContainer()
        .getLabelsMap().get("status"), "nothing written");

    // a delete cannot be made conditional: refused rather than made whatever the labels say
    StatusRuntimeException delete = assertThrows(StatusRuntimeException.class,
        () -> withPreconditionHeaders("stop=s1".getBytes()).delete(DeleteContainerRequest.newBuilder().setId("web").build()));
    assertEquals(Status.Code.INVALID_ARGUMENT, delete.getStatus().getCode());
    assertTrue(delete.getStatus().getDescription().contains("Containers.Delete does not honour header berth-labels-if-bin"),
        delete.getStatus().getDescription());
    assertEquals("web", api.get(GetContainerRequest.newBuilder().setId("web").build()).getContainer().getId());
  }

  @Test
  void theTasksServiceKeepsALabelOnTheRecordAndHearsOfDeletions() {
    create(container("web"));
    containers.setLabel("ns1", "web", "io.berth.oom-killed", "true");
    assertEquals(java.util.Map.of("a", "1", "io.berth.oom-killed", "true"),
        api.get(GetContainerRequest.newBuilder().setId("web").build()).getContainer().getLabelsMap());
    containers.setLabel("ns1", "web", "io.berth.oom-killed", "");
    assertEquals(java.util.Map.of("a", "1"),
        api.get(GetContainerRequest.newBuilder().setId("web").build()).getContainer().getLabelsMap());
    assertEquals(Status.Code.NOT_FOUND, assertThrows(BerthException.class,
        () -> containers.setLabel("ns1", "nosuch", "k", "v")).code());

    List<String> deleted = new ArrayList<>();
    Runnable stop = containers.whenDeleted((ns, id) -> deleted.add(ns + "/" + id));
    create(container("db"));
    api.delete(DeleteContainerRequest.newBuilder().setId("web").build());
    fails(Status.Code.NOT_FOUND, () -> api.delete(DeleteContainerRequest.newBuilder().setId("web").build()));
    stop.run();
    api.delete(DeleteContainerRequest.newBuilder().setId("db").build());
    assertEquals(List.of("ns1/web"), deleted);
  }
}
