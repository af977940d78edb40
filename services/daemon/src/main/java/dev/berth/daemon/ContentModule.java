package dev.berth.daemon;

import dagger.Module;
import dagger.Provides;
import dagger.multibindings.IntoMap;
import dagger.multibindings.StringKey;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.store.MetadataStore;
import dev.berth.content.ContentService;
import dev.berth.content.ContentSweeperService;
import dev.berth.content.file.FileContentStore;
import io.grpc.Channel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/** The content store. */
@Module
final class ContentModule {
  private ContentModule() {}

  @Provides
  @IntoMap
  @StringKey(ServiceGroups.CONTENT)
  static ServiceGroup content(DaemonConfig config, MetadataStore store, EventPublisher events, Channel api) {
    try {
      FileContentStore contentStore = FileContentStore.create(config.root(), store, events, api);
      // whatever a crash left half-deleted goes before the first request
      contentStore.removeUnrecordedBlobs();
      return new ServiceGroup(ServiceGroups.CONTENT,
          List.of(new ContentService(contentStore), new ContentSweeperService(contentStore)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
