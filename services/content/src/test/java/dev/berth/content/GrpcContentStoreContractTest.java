package dev.berth.content;

import dev.berth.api.content.ContentStore;
import dev.berth.api.content.ContentStoreContract;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.testing.InProcessServices;
import dev.berth.common.testing.NoLeases;
import dev.berth.content.file.FileContentStore;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gRPC store keeps the content store's contract when it reaches the real Content service over
 * a file store (in-process transport): clients see the errors the file store raises.
 */
class GrpcContentStoreContractTest extends ContentStoreContract {
  /** Small enough that the multi-chunk test has writes waiting for room. */
  private static final long OUTSTANDING_BYTES = 256 * 1024;

  @TempDir Path root;
  private MetadataStore metadata;
  private InProcessServices server;

  @Override
  protected ContentStore newStore() throws Exception {
    metadata = MetadataStore.open(root.resolve("metadata.db"));
    FileContentStore files = new FileContentStore(root, metadata, (ns, topic, event) -> { }, ns -> { }, new NoLeases());
    server = InProcessServices.start(new ContentService(files));
    return new GrpcContentStore(server.channel(), OUTSTANDING_BYTES);
  }

  @AfterEach
  void close() throws InterruptedException {
    try {
      server.close();
    } finally {
      metadata.close();
    }
  }
}
