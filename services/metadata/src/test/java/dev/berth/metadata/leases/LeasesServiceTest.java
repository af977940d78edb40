package dev.berth.metadata.leases;

import static dev.berth.metadata.MetadataTestServer.assertCode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.leases.v1.AddResourceRequest;
import containerd.services.leases.v1.CreateRequest;
import containerd.services.leases.v1.DeleteRequest;
import containerd.services.leases.v1.DeleteResourceRequest;
import containerd.services.leases.v1.Lease;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.leases.v1.LeasesGrpc.LeasesBlockingStub;
import containerd.services.leases.v1.ListRequest;
import containerd.services.leases.v1.ListResourcesRequest;
import containerd.services.leases.v1.Resource;
import dev.berth.api.Digests;
import dev.berth.api.Identifiers;
import dev.berth.metadata.MetadataTestServer;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LeasesServiceTest {
  private static final String BLOB = Digests.sha256("blob".getBytes(StandardCharsets.UTF_8));

  @RegisterExtension
  final MetadataTestServer server = MetadataTestServer.perTest();
  private LeasesBlockingStub leases;

  @BeforeEach
  void stubs() {
    leases = LeasesGrpc.newBlockingStub(server.inNamespace("default"));
  }

  private Lease create(String id, Map<String, String> labels) {
    return leases.create(CreateRequest.newBuilder().setId(id).putAllLabels(labels).build()).getLease();
  }

  private static Resource resource(String type, String id) {
    return Resource.newBuilder().setType(type).setId(id).build();
  }

  private void add(String lease, Resource resource) {
    leases.addResource(AddResourceRequest.newBuilder().setId(lease).setResource(resource).build());
  }

  private List<Resource> resources(String lease) {
    return leases.listResources(ListResourcesRequest.newBuilder().setId(lease).build()).getResourcesList();
  }

  private List<String> ids(String... filters) {
    return leases.list(ListRequest.newBuilder().addAllFilters(List.of(filters)).build())
        .getLeasesList().stream().map(Lease::getId).toList();
  }

  @Test
  void createKeepsIdLabelsAndTime() {
    // What containerd's client sends for each ctr command.
    Map<String, String> labels = Map.of("containerd.io/gc.expire", "2026-01-01T00:00:00Z");
    Lease lease = create("ctr-1", labels);
    assertEquals("ctr-1", lease.getId());
    assertEquals(labels, lease.getLabelsMap());
    assertTrue(lease.getCreatedAt().getSeconds() > 0);
    assertEquals(List.of(lease), leases.list(ListRequest.getDefaultInstance()).getLeasesList());
  }

  @Test
  void anEmptyIdGetsAGeneratedValidOne() {
    String first = create("", Map.of()).getId();
    String second = create("", Map.of()).getId();
    assertTrue(Identifiers.isValid(first), first);
    assertNotEquals(first, second);
    assertEquals(List.of(first, second).stream().sorted().toList(), ids());
  }

  @Test
  void createOfAnExistingIdIsAlreadyExists() {
    create("l1", Map.of("a", "1"));
    assertCode(Status.Code.ALREADY_EXISTS, () -> create("l1", Map.of()));
    assertEquals(Map.of("a", "1"), leases.list(ListRequest.getDefaultInstance()).getLeases(0).getLabelsMap());
  }

  @Test
  void createWithAMalformedIdIsInvalidArgument() {
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create("Bad ID!", Map.of()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create("x".repeat(257), Map.of()));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> create("tab\tid", Map.of()));
    assertEquals(List.of(), ids());
  }

  @Test
  void idsAsContainerdsGoClientGeneratesThemAreAccepted() {
    create("621796244--orI", Map.of());
    create("1700000000-a_b-c==", Map.of());
    assertEquals(List.of("1700000000-a_b-c==", "621796244--orI"), ids().stream().sorted().toList());
  }

  @Test
  void resourcesOfEachKindAreAddedListedAndRemoved() {
    create("l1", Map.of());
    add("l1", resource("content", BLOB));
    add("l1", resource("snapshots/overlayfs", "extract-123 sha256:abc"));
    add("l1", resource("ingests", "default-ref"));
    add("l1", resource("content", BLOB));
    assertEquals(List.of(resource("content", BLOB), resource("ingests", "default-ref"),
        resource("snapshots/overlayfs", "extract-123 sha256:abc")), resources("l1"));

    leases.deleteResource(DeleteResourceRequest.newBuilder().setId("l1").setResource(resource("ingests", "default-ref")).build());
    leases.deleteResource(DeleteResourceRequest.newBuilder().setId("l1").setResource(resource("ingests", "never-added")).build());
    assertEquals(List.of(resource("content", BLOB), resource("snapshots/overlayfs", "extract-123 sha256:abc")),
        resources("l1"));
  }

  @Test
  void contentResourceIdMustBeADigest() {
    create("l1", Map.of());
    assertCode(Status.Code.INVALID_ARGUMENT, () -> add("l1", resource("content", "sha256:zz")));
    assertEquals(List.of(), resources("l1"));
  }

  @Test
  void unknownResourceTypesAreUnimplemented() {
    create("l1", Map.of());
    assertCode(Status.Code.UNIMPLEMENTED, () -> add("l1", resource("bogus", "x")));
    assertCode(Status.Code.UNIMPLEMENTED, () -> add("l1", resource("", "x")));
    assertEquals(List.of(), resources("l1"));
  }

  @Test
  void malformedResourceTypesAreInvalidArgument() {
    create("l1", Map.of());
    assertCode(Status.Code.INVALID_ARGUMENT, () -> add("l1", resource("snapshots", "key")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> add("l1", resource("snapshots/a/b", "key")));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> add("l1", resource("content/x", BLOB)));
    assertCode(Status.Code.INVALID_ARGUMENT, () -> add("l1", resource("ingests", "")));
    assertEquals(List.of(), resources("l1"));
  }

  @Test
  void callsOnAnAbsentOrDeletedLeaseAreNotFound() {
    assertCode(Status.Code.NOT_FOUND, () -> add("absent", resource("content", BLOB)));
    // The lease is looked up first, as in containerd: an absent lease is NOT_FOUND whatever the resource.
    assertCode(Status.Code.NOT_FOUND, () -> add("absent", resource("bogus", "x")));

    create("l1", Map.of());
    add("l1", resource("content", BLOB));
    leases.delete(DeleteRequest.newBuilder().setId("l1").setSync(true).build());
    assertCode(Status.Code.NOT_FOUND, () -> leases.delete(DeleteRequest.newBuilder().setId("l1").build()));
    assertCode(Status.Code.NOT_FOUND, () -> resources("l1"));
    assertCode(Status.Code.NOT_FOUND, () -> leases.deleteResource(
        DeleteResourceRequest.newBuilder().setId("l1").setResource(resource("content", BLOB)).build()));

    // A new lease of the same id starts empty: the old one's resources went with it.
    create("l1", Map.of());
    assertEquals(List.of(), resources("l1"));
  }

  @Test
  void leasesAreSeenOnlyInTheirNamespace() {
    create("l1", Map.of());
    LeasesBlockingStub other = LeasesGrpc.newBlockingStub(server.inNamespace("other"));
    assertEquals(List.of(), other.list(ListRequest.getDefaultInstance()).getLeasesList());
    assertCode(Status.Code.NOT_FOUND, () -> other.listResources(ListResourcesRequest.newBuilder().setId("l1").build()));
    other.create(CreateRequest.newBuilder().setId("l1").build());
  }

  @Test
  void listFiltersOnIdAndLabels() {
    create("l1", Map.of("containerd.io/gc.expire", "2026-01-01T00:00:00Z"));
    create("l2", Map.of("owner", "test"));
    assertEquals(List.of("l2"), ids("id==l2"));
    assertEquals(List.of("l1"), ids("labels.\"containerd.io/gc.expire\""));
    assertEquals(List.of("l2"), ids("labels.owner==test"));
  }

  @Test
  void deletingALeaseAsksForACollectionSoonAndWithSyncWaitsForOne() {
    create("plain", Map.of());
    create("synced", Map.of());
    leases.delete(DeleteRequest.newBuilder().setId("plain").build());
    leases.delete(DeleteRequest.newBuilder().setId("synced").setSync(true).build());
    assertEquals(List.of("soon", "now"), server.collectionsAsked());
  }
}
