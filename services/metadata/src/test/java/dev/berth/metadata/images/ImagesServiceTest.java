package dev.berth.metadata.images;

import static dev.berth.metadata.MetadataTestServer.assertCode;
import static dev.berth.metadata.MetadataTestServer.payload;
import static dev.berth.metadata.MetadataTestServer.target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.FieldMask;
import com.google.protobuf.Timestamp;
import containerd.services.events.v1.Envelope;
import containerd.services.images.v1.CreateImageRequest;
import containerd.services.images.v1.DeleteImageRequest;
import containerd.services.images.v1.GetImageRequest;
import containerd.services.images.v1.Image;
import containerd.services.images.v1.ImageCreate;
import containerd.services.images.v1.ImageDelete;
import containerd.services.images.v1.ImageUpdate;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.images.v1.ImagesGrpc.ImagesBlockingStub;
import containerd.services.images.v1.ListImagesRequest;
import containerd.services.images.v1.UpdateImageRequest;
import containerd.services.namespaces.v1.ListNamespacesRequest;
import containerd.services.namespaces.v1.Namespace;
import containerd.services.namespaces.v1.NamespacesGrpc;
import containerd.types.Descriptor;
import dev.berth.metadata.MetadataTestServer;
import dev.berth.metadata.MetadataTestServer.Subscription;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ImagesServiceTest {
  private static final String BUSYBOX = "docker.io/library/busybox:latest";

  @RegisterExtension
  final MetadataTestServer server = MetadataTestServer.perTest();
  private ImagesBlockingStub images;

  @BeforeEach
  void stubs() {
    images = ImagesGrpc.newBlockingStub(server.inNamespace("default"));
  }

  private static Image image(String name, Descriptor target, Map<String, String> labels) {
    return Image.newBuilder().setName(name).setTarget(target).putAllLabels(labels).build();
  }

  private Image create(ImagesBlockingStub stub, Image image) {
    return stub.create(CreateImageRequest.newBuilder().setImage(image).build()).getImage();
  }

  private Image get(ImagesBlockingStub stub, String name) {
    return stub.get(GetImageRequest.newBuilder().setName(name).build()).getImage();
  }

  private Image update(Image image, String... maskPaths) {
    return images.update(UpdateImageRequest.newBuilder().setImage(image)
        .setUpdateMask(FieldMask.newBuilder().addAllPaths(List.of(maskPaths))).build()).getImage();
  }

  private void delete(String name) {
    images.delete(DeleteImageRequest.newBuilder().setName(name).build());
  }

  private List<String> list(String... filters) {
    return images.list(ListImagesRequest.newBuilder().addAllFilters(List.of(filters)).build())
        .getImagesList().stream().map(Image::getName).toList();
  }

  @Test
  void createdImageIsReturnedWithTimesAndListed() {
    Image created = create(images, image(BUSYBOX, target("m1"), Map.of("a", "1")));
    assertTrue(created.getCreatedAt().getSeconds() > 0);
    assertEquals(created.getCreatedAt(), created.getUpdatedAt());

    Image got = get(images, BUSYBOX);
    assertEquals(created, got);
    assertEquals(target("m1"), got.getTarget());
    assertEquals(List.of(BUSYBOX), list());
  }

  @Test
  void createOfAnExistingNameIsAlreadyExistsAndKeepsTheFirst() {
    create(images, image(BUSYBOX, target("m1"), Map.of()));
    assertCode(Status.Code.ALREADY_EXISTS, () -> create(images, image(BUSYBOX, target("m2"), Map.of())));
    assertEquals(target("m1").getDigest(), get(images, BUSYBOX).getTarget().getDigest());
  }

  @Test
  void incompleteImagesAreInvalidArgumentAndStoreNothing() {
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create(images, image("", target("m"), Map.of())));
    assertCode(Status.Code.INVALID_ARGUMENT,
        () -> create(images, image(BUSYBOX, target("m").toBuilder().setSize(0).build(), Map.of())));
    assertCode(Status.Code.INVALID_ARGUMENT,
        () -> create(images, image(BUSYBOX, target("m").toBuilder().setDigest("sha256:zz").build(), Map.of())));
    assertCode(Status.Code.INVALID_ARGUMENT,
        () -> create(images, image(BUSYBOX, target("m").toBuilder().setMediaType("").build(), Map.of())));
    assertCode(Status.Code.INVALID_ARGUMENT,
        () -> create(images, Image.newBuilder().setName(BUSYBOX).build()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create(images, image(BUSYBOX, target("m"), Map.of("", "v"))));
    assertEquals(List.of(), list());
  }

  @Test
  void imagesAreSeenOnlyInTheirNamespace() {
    ImagesBlockingStub other = ImagesGrpc.newBlockingStub(server.inNamespace("other"));
    create(other, image(BUSYBOX, target("m1"), Map.of()));
    assertCode(Status.Code.NOT_FOUND, () -> get(images, BUSYBOX));
    assertEquals(List.of(), list());

    // The same name may live in both namespaces, pointing at different targets.
    create(images, image(BUSYBOX, target("m2"), Map.of()));
    assertEquals(target("m1").getDigest(), get(other, BUSYBOX).getTarget().getDigest());
    assertEquals(target("m2").getDigest(), get(images, BUSYBOX).getTarget().getDigest());
  }

  @Test
  void callsWithoutANamespaceHeaderUseDefault() {
    create(images, image(BUSYBOX, target("m1"), Map.of()));
    assertEquals(BUSYBOX, get(ImagesGrpc.newBlockingStub(server.channel()), BUSYBOX).getName());
  }

  @Test
  void aMalformedNamespaceHeaderIsInvalidArgument() {
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("containerd-namespace", Metadata.ASCII_STRING_MARSHALLER), "Bad NS!");
    ImagesBlockingStub bad = ImagesGrpc.newBlockingStub(server.channel())
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> bad.list(ListImagesRequest.getDefaultInstance()));
  }

  @Test
  void creatingAnImageRegistersItsNamespace() {
    create(ImagesGrpc.newBlockingStub(server.inNamespace("fresh")), image(BUSYBOX, target("m"), Map.of()));
    assertEquals(List.of("fresh"), NamespacesGrpc.newBlockingStub(server.channel())
        .list(ListNamespacesRequest.getDefaultInstance()).getNamespacesList().stream().map(Namespace::getName).toList());
  }

  @Test
  void getUpdateAndDeleteOfAbsentImagesAreNotFound() {
    assertCode(Status.Code.NOT_FOUND, () -> get(images, BUSYBOX));
    assertCode(Status.Code.NOT_FOUND, () -> update(image(BUSYBOX, target("m"), Map.of())));
    assertCode(Status.Code.NOT_FOUND, () -> delete(BUSYBOX));

    create(images, image(BUSYBOX, target("m"), Map.of()));
    delete(BUSYBOX);
    assertCode(Status.Code.NOT_FOUND, () -> get(images, BUSYBOX));
    assertCode(Status.Code.NOT_FOUND, () -> delete(BUSYBOX));
    assertEquals(List.of(), list());
  }

  @Test
  void updateWithoutMaskReplacesLabelsAndTarget() throws Exception {
    Image created = create(images, image(BUSYBOX, target("m1"), Map.of("a", "1")));
    Thread.sleep(2);
    Image updated = update(image(BUSYBOX, target("m2"), Map.of("b", "2")));
    assertEquals(Map.of("b", "2"), updated.getLabelsMap());
    assertEquals(target("m2"), updated.getTarget());
    assertEquals(created.getCreatedAt(), updated.getCreatedAt());
    assertTrue(nanos(updated.getUpdatedAt()) > nanos(created.getUpdatedAt()));
    assertEquals(updated, get(images, BUSYBOX));
  }

  @Test
  void updateMaskChangesOnlyTheNamedFields() {
    create(images, image(BUSYBOX, target("m1").toBuilder().putAnnotations("x", "1").build(), Map.of("a", "1", "b", "2")));

    update(image(BUSYBOX, target("m2"), Map.of("a", "10")), "labels.a");
    Image got = get(images, BUSYBOX);
    assertEquals(Map.of("a", "10", "b", "2"), got.getLabelsMap());
    assertEquals(target("m1").getDigest(), got.getTarget().getDigest(), "target was not in the mask");

    update(image(BUSYBOX, target("m2"), Map.of()), "labels.b");
    assertEquals(Map.of("a", "10"), get(images, BUSYBOX).getLabelsMap());

    update(image(BUSYBOX, target("m2").toBuilder().putAnnotations("y", "2").build(), Map.of()), "annotations.y");
    assertEquals(Map.of("x", "1", "y", "2"), get(images, BUSYBOX).getTarget().getAnnotationsMap());

    update(image(BUSYBOX, target("m2"), Map.of("c", "3")), "target", "labels");
    got = get(images, BUSYBOX);
    assertEquals(target("m2"), got.getTarget());
    assertEquals(Map.of("c", "3"), got.getLabelsMap());
  }

  @Test
  void badUpdatesAreInvalidArgumentAndChangeNothing() {
    Image created = create(images, image(BUSYBOX, target("m1"), Map.of("a", "1")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> update(image(BUSYBOX, target("m2"), Map.of()), "name"));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> update(image(BUSYBOX, target("m2"), Map.of()), "labels", "created_at"));
    assertCode(Status.Code.INVALID_ARGUMENT,
        () -> update(image(BUSYBOX, target("m2").toBuilder().setDigest("sha256:zz").build(), Map.of()), "target"));
    assertEquals(created, get(images, BUSYBOX));
  }

  @Test
  void deleteWithATargetOnlyDeletesWhileTheImageStillPointsThere() {
    create(images, image(BUSYBOX, target("m1"), Map.of()));
    assertCode(Status.Code.FAILED_PRECONDITION, () -> images.delete(DeleteImageRequest.newBuilder()
        .setName(BUSYBOX).setTarget(target("m2")).setSync(true).build()));
    assertEquals(List.of(BUSYBOX), list());
    images.delete(DeleteImageRequest.newBuilder().setName(BUSYBOX).setTarget(target("m1")).setSync(true).build());
    assertEquals(List.of(), list());
  }

  @Test
  void listFiltersOnNameTargetAndLabels() {
    create(images, image("docker.io/library/busybox:1", target("m1"), Map.of("tier", "base")));
    create(images, image("docker.io/library/alpine:3", target("m2").toBuilder()
        .setMediaType("application/vnd.docker.distribution.manifest.v2+json").build(), Map.of("tier", "app")));

    assertEquals(List.of("docker.io/library/busybox:1"), list("name==docker.io/library/busybox:1"));
    assertEquals(List.of("docker.io/library/alpine:3"), list("target.digest==" + target("m2").getDigest()));
    assertEquals(List.of("docker.io/library/alpine:3"),
        list("target.mediatype==\"application/vnd.docker.distribution.manifest.v2+json\""));
    assertEquals(List.of("docker.io/library/busybox:1"), list("labels.tier==base"));
    assertEquals(List.of("docker.io/library/alpine:3", "docker.io/library/busybox:1"),
        list("labels.tier==base", "labels.tier==app"));
    assertEquals(List.of(), list("name~=alpine,labels.tier==base"));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> list("name=="));
  }

  @Test
  void changesArePublishedAsImageEvents() throws Exception {
    try (Subscription events = server.subscribe("topic~=\"^/images/\",namespace==default")) {
      create(images, image(BUSYBOX, target("m1"), Map.of("a", "1")));
      create(ImagesGrpc.newBlockingStub(server.inNamespace("other")), image(BUSYBOX, target("m1"), Map.of()));
      update(image(BUSYBOX, target("m1"), Map.of("b", "2")), "labels");
      delete(BUSYBOX);

      Envelope created = events.next();
      assertEquals("/images/create", created.getTopic());
      assertEquals(ImageCreate.newBuilder().setName(BUSYBOX).putLabels("a", "1").build(),
          payload(created, ImageCreate.getDefaultInstance()));
      Envelope updated = events.next();
      assertEquals("/images/update", updated.getTopic());
      assertEquals(ImageUpdate.newBuilder().setName(BUSYBOX).putLabels("b", "2").build(),
          payload(updated, ImageUpdate.getDefaultInstance()));
      Envelope deleted = events.next();
      assertEquals("/images/delete", deleted.getTopic());
      assertEquals(ImageDelete.newBuilder().setName(BUSYBOX).build(), payload(deleted, ImageDelete.getDefaultInstance()));
      assertEquals(List.of(), events.pending(), "the event in namespace other is filtered out");
    }
  }

  private static long nanos(Timestamp t) {
    return t.getSeconds() * 1_000_000_000L + t.getNanos();
  }
}
