package dev.berth.metadata.namespaces;

import static dev.berth.metadata.MetadataTestServer.assertCode;
import static dev.berth.metadata.MetadataTestServer.payload;
import static dev.berth.metadata.MetadataTestServer.target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.FieldMask;
import containerd.events.NamespaceCreate;
import containerd.events.NamespaceDelete;
import containerd.events.NamespaceUpdate;
import containerd.services.events.v1.Envelope;
import containerd.services.images.v1.CreateImageRequest;
import containerd.services.images.v1.DeleteImageRequest;
import containerd.services.images.v1.Image;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.images.v1.ListImagesRequest;
import containerd.services.leases.v1.CreateRequest;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.namespaces.v1.CreateNamespaceRequest;
import containerd.services.namespaces.v1.DeleteNamespaceRequest;
import containerd.services.namespaces.v1.GetNamespaceRequest;
import containerd.services.namespaces.v1.ListNamespacesRequest;
import containerd.services.namespaces.v1.Namespace;
import containerd.services.namespaces.v1.NamespacesGrpc;
import containerd.services.namespaces.v1.NamespacesGrpc.NamespacesBlockingStub;
import containerd.services.namespaces.v1.UpdateNamespaceRequest;
import dev.berth.metadata.MetadataTestServer;
import dev.berth.metadata.MetadataTestServer.Subscription;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class NamespacesServiceTest {
  @RegisterExtension
  final MetadataTestServer server = MetadataTestServer.perTest();
  private NamespacesBlockingStub namespaces;

  @BeforeEach
  void stubs() {
    namespaces = NamespacesGrpc.newBlockingStub(server.channel());
  }

  private Namespace create(String name, Map<String, String> labels) {
    return namespaces.create(CreateNamespaceRequest.newBuilder()
        .setNamespace(Namespace.newBuilder().setName(name).putAllLabels(labels)).build()).getNamespace();
  }

  private Namespace get(String name) {
    return namespaces.get(GetNamespaceRequest.newBuilder().setName(name).build()).getNamespace();
  }

  private Namespace update(String name, Map<String, String> labels, String... maskPaths) {
    return namespaces.update(UpdateNamespaceRequest.newBuilder()
        .setNamespace(Namespace.newBuilder().setName(name).putAllLabels(labels))
        .setUpdateMask(FieldMask.newBuilder().addAllPaths(List.of(maskPaths)))
        .build()).getNamespace();
  }

  private void delete(String name) {
    namespaces.delete(DeleteNamespaceRequest.newBuilder().setName(name).build());
  }

  private List<String> names() {
    return namespaces.list(ListNamespacesRequest.getDefaultInstance()).getNamespacesList().stream()
        .map(Namespace::getName).toList();
  }

  @Test
  void createGetListAndDelete() {
    create("web", Map.of("containerd.io/defaults/snapshotter", "overlayfs"));
    create("batch", Map.of());
    assertEquals(List.of("batch", "web"), names());
    assertEquals(Map.of("containerd.io/defaults/snapshotter", "overlayfs"), get("web").getLabelsMap());

    delete("web");
    assertEquals(List.of("batch"), names());
  }

  @Test
  void createOfAnExistingNameIsAlreadyExistsAndKeepsItsLabels() {
    create("web", Map.of("a", "1"));
    assertCode(Status.Code.ALREADY_EXISTS, () -> create("web", Map.of("a", "2")));
    assertEquals(Map.of("a", "1"), get("web").getLabelsMap());
  }

  @Test
  void malformedNamesAreInvalidArgumentAndCreateNothing() {
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create("Bad Name!", Map.of()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create("", Map.of()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create("../etc", Map.of()));
    assertEquals(List.of(), names());
  }

  @Test
  void getOfAnAbsentNamespaceAnswersItsNameWithNoLabels() {
    Namespace ns = get("never-created");
    assertEquals("never-created", ns.getName());
    assertEquals(Map.of(), ns.getLabelsMap());
    assertEquals(List.of(), names(), "Get must not create the namespace");
  }

  @Test
  void updateWithoutMaskReplacesAllLabels() {
    create("web", Map.of("a", "1", "b", "2"));
    Namespace updated = update("web", Map.of("c", "3"));
    assertEquals(Map.of("c", "3"), updated.getLabelsMap());
    assertEquals(Map.of("c", "3"), get("web").getLabelsMap());
  }

  @Test
  void updateOfOneLabelLeavesTheOthersAndAMissingValueRemovesIt() {
    create("web", Map.of("a", "1", "b", "2"));
    update("web", Map.of("a", "10", "ignored", "x"), "labels.a");
    assertEquals(Map.of("a", "10", "b", "2"), get("web").getLabelsMap());
    update("web", Map.of(), "labels.b");
    assertEquals(Map.of("a", "10"), get("web").getLabelsMap());
  }

  @Test
  void updateWithMaskPathLabelsReplacesThem() {
    create("web", Map.of("a", "1"));
    update("web", Map.of("b", "2"), "labels");
    assertEquals(Map.of("b", "2"), get("web").getLabelsMap());
  }

  @Test
  void updateOfAFieldOtherThanLabelsIsInvalidArgumentAndChangesNothing() {
    create("web", Map.of("a", "1"));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> update("web", Map.of("a", "2"), "labels.a", "name"));
    assertEquals(Map.of("a", "1"), get("web").getLabelsMap());
  }

  @Test
  void updateOfAnAbsentNamespaceCreatesIt() {
    update("fresh", Map.of("a", "1"), "labels.a");
    assertEquals(List.of("fresh"), names());
    assertEquals(Map.of("a", "1"), get("fresh").getLabelsMap());
  }

  @Test
  void deleteOfAnAbsentNamespaceIsNotFound() {
    assertCode(Status.Code.NOT_FOUND, () -> delete("absent"));
  }

  @Test
  void deleteOfANamespaceHoldingAnImageIsFailedPreconditionUntilTheImageIsGone() {
    ImagesGrpc.ImagesBlockingStub images = ImagesGrpc.newBlockingStub(server.inNamespace("web"));
    images.create(CreateImageRequest.newBuilder()
        .setImage(Image.newBuilder().setName("docker.io/library/busybox:latest").setTarget(target("m"))).build());

    StatusRuntimeException e = assertCode(Status.Code.FAILED_PRECONDITION, () -> delete("web"));
    assertTrue(e.getStatus().getDescription().contains("1 image"), e.getStatus().getDescription());
    assertEquals(List.of("web"), names());
    assertEquals(1, images.list(ListImagesRequest.getDefaultInstance()).getImagesCount());

    images.delete(DeleteImageRequest.newBuilder().setName("docker.io/library/busybox:latest").build());
    delete("web");
    assertEquals(List.of(), names());
  }

  @Test
  void deleteOfANamespaceHoldingALeaseIsFailedPrecondition() {
    LeasesGrpc.newBlockingStub(server.inNamespace("web")).create(CreateRequest.newBuilder().setId("l1").build());
    StatusRuntimeException e = assertCode(Status.Code.FAILED_PRECONDITION, () -> delete("web"));
    assertTrue(e.getStatus().getDescription().contains("1 lease"), e.getStatus().getDescription());
  }

  @Test
  void storingSomethingInANamespaceCreatesIt() {
    LeasesGrpc.newBlockingStub(server.inNamespace("implicit")).create(CreateRequest.newBuilder().setId("l1").build());
    assertEquals(List.of("implicit"), names());
    assertCode(Status.Code.ALREADY_EXISTS, () -> create("implicit", Map.of()));
  }

  @Test
  void listFilterSelectsByNameAndLabels() {
    create("web", Map.of("tier", "front"));
    create("db", Map.of("tier", "back"));
    assertEquals(List.of("web"), namespaces.list(ListNamespacesRequest.newBuilder().setFilter("labels.tier==front").build())
        .getNamespacesList().stream().map(Namespace::getName).toList());
    assertEquals(List.of("db"), namespaces.list(ListNamespacesRequest.newBuilder().setFilter("name~=^d").build())
        .getNamespacesList().stream().map(Namespace::getName).toList());
  }

  @Test
  void changesArePublishedAsNamespaceEvents() throws Exception {
    // ctr -n ops namespaces create web: containerd 1.7 publishes create and update in the namespace
    // named, not the caller's (1.6 did, until containerd PR #7129)
    namespaces = NamespacesGrpc.newBlockingStub(server.inNamespace("ops"));
    try (Subscription events = server.subscribe("topic~=\"^/namespaces/\"")) {
      create("web", Map.of("a", "1"));
      update("web", Map.of("b", "2"));
      delete("web");

      Envelope created = events.next();
      assertEquals("/namespaces/create", created.getTopic());
      assertEquals("web", created.getNamespace());
      assertEquals(NamespaceCreate.newBuilder().setName("web").putLabels("a", "1").build(),
          payload(created, NamespaceCreate.getDefaultInstance()));

      Envelope updated = events.next();
      assertEquals("/namespaces/update", updated.getTopic());
      assertEquals("web", updated.getNamespace());
      assertEquals(NamespaceUpdate.newBuilder().setName("web").putLabels("b", "2").build(),
          payload(updated, NamespaceUpdate.getDefaultInstance()));

      Envelope deleted = events.next();
      assertEquals("/namespaces/delete", deleted.getTopic());
      assertEquals("web", deleted.getNamespace());
      assertEquals(NamespaceDelete.newBuilder().setName("web").build(),
          payload(deleted, NamespaceDelete.getDefaultInstance()));
    }
  }

  @Test
  void refusedChangesPublishNothing() throws Exception {
    create("web", Map.of());
    try (Subscription events = server.subscribe("topic~=\"^/namespaces/\"")) {
      assertCode(Status.Code.ALREADY_EXISTS, () -> create("web", Map.of()));
      assertCode(Status.Code.NOT_FOUND, () -> delete("absent"));
      update("web", Map.of("a", "1"));
      assertEquals("/namespaces/update", events.next().getTopic());
      assertEquals(List.of(), events.pending());
    }
  }
}
