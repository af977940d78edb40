package dev.berth.metadata;

import static dev.berth.metadata.MetadataTestServer.target;
import static org.junit.jupiter.api.Assertions.assertEquals;

import containerd.services.images.v1.CreateImageRequest;
import containerd.services.images.v1.GetImageRequest;
import containerd.services.images.v1.Image;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.leases.v1.AddResourceRequest;
import containerd.services.leases.v1.CreateRequest;
import containerd.services.leases.v1.Lease;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.leases.v1.ListRequest;
import containerd.services.leases.v1.ListResourcesRequest;
import containerd.services.leases.v1.Resource;
import containerd.services.namespaces.v1.CreateNamespaceRequest;
import containerd.services.namespaces.v1.ListNamespacesRequest;
import containerd.services.namespaces.v1.Namespace;
import containerd.services.namespaces.v1.NamespacesGrpc;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records survive closing the SQLite file and starting the services again on it. */
class MetadataPersistenceTest {
  @TempDir Path root;

  @Test
  void namespacesImagesAndLeasesSurviveReopen() throws Exception {
    Namespace web = Namespace.newBuilder().setName("web").putLabels("containerd.io/defaults/snapshotter", "overlayfs").build();
    Resource snapshot = Resource.newBuilder().setType("snapshots/overlayfs").setId("key-1").build();
    Image image;
    Lease lease;
    try (MetadataTestServer s = MetadataTestServer.start(root)) {
      NamespacesGrpc.newBlockingStub(s.channel()).create(CreateNamespaceRequest.newBuilder().setNamespace(web).build());
      image = ImagesGrpc.newBlockingStub(s.inNamespace("web")).create(CreateImageRequest.newBuilder()
          .setImage(Image.newBuilder().setName("busybox").setTarget(target("m")).putLabels("a", "1")).build()).getImage();
      LeasesGrpc.LeasesBlockingStub leases = LeasesGrpc.newBlockingStub(s.inNamespace("web"));
      lease = leases.create(CreateRequest.newBuilder().setId("l1").putLabels("b", "2").build()).getLease();
      leases.addResource(AddResourceRequest.newBuilder().setId("l1").setResource(snapshot).build());
    }

    try (MetadataTestServer s = MetadataTestServer.start(root)) {
      assertEquals(List.of(web), NamespacesGrpc.newBlockingStub(s.channel())
          .list(ListNamespacesRequest.getDefaultInstance()).getNamespacesList());
      assertEquals(image, ImagesGrpc.newBlockingStub(s.inNamespace("web"))
          .get(GetImageRequest.newBuilder().setName("busybox").build()).getImage());
      LeasesGrpc.LeasesBlockingStub leases = LeasesGrpc.newBlockingStub(s.inNamespace("web"));
      assertEquals(List.of(lease), leases.list(ListRequest.getDefaultInstance()).getLeasesList());
      assertEquals(List.of(snapshot),
          leases.listResources(ListResourcesRequest.newBuilder().setId("l1").build()).getResourcesList());
    }
  }
}
