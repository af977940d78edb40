package dev.berth.content.file;

import dev.berth.api.content.ContentStore;
import dev.berth.api.content.ContentStoreContract;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.testing.NoLeases;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** The file store keeps the content store's contract. */
class FileContentStoreContractTest extends ContentStoreContract {
  @TempDir Path root;
  private MetadataStore metadata;

  @Override
  protected ContentStore newStore() throws Exception {
    metadata = MetadataStore.open(root.resolve("metadata.db"));
    return new FileContentStore(root, metadata, (ns, topic, event) -> { }, ns -> { }, new NoLeases());
  }

  @AfterEach
  void close() {
    metadata.close();
  }
}
