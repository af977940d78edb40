package dev.berth.metadata.namespaces;

import static dev.berth.metadata.MetadataTestServer.target;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import containerd.services.images.v1.Image;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.BerthException;
import dev.berth.common.store.MetadataStore;
import dev.berth.metadata.images.ImageStore;
import io.grpc.Status;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NamespaceStoreTest {
  @TempDir Path root;

  /**
   * Usage checks run before the delete transaction; an image stored in between must still stop
   * the delete. Passing no checks stands for that window.
   */
  @Test
  void imageStoredAfterTheUsageChecksStillStopsTheDelete() throws Exception {
    try (MetadataStore store = MetadataStore.open(root.resolve("metadata.db"))) {
      NamespaceStore namespaces = new NamespaceStore(store);
      ImageStore images = new ImageStore(store, namespaces);
      images.create("web", Image.newBuilder().setName("busybox").setTarget(target("m")).build());

      BerthException e = assertThrows(BerthException.class, () -> namespaces.delete("web", List.of()));
      assertEquals(Status.Code.FAILED_PRECONDITION, e.code());
      assertEquals(List.of("web"), namespaces.list(Filter.parse(List.of())).stream().map(n -> n.getName()).toList());
      assertEquals(1, images.list("web", Filter.parse(List.of())).size());
    }
  }
}
