package dev.berth.daemon;

import dagger.BindsInstance;
import dagger.Component;
import dev.berth.common.events.GrpcEventPublisher;
import dev.berth.common.store.MetadataStore;
import io.grpc.Channel;
import java.util.Map;
import javax.inject.Provider;
import javax.inject.Singleton;

/**
 * berthd's object graph. Each service group is built only when asked for, so a daemon serving
 * one group constructs nothing of the others.
 */
@Singleton
@Component(modules = {CommonModule.class, ContentModule.class, MetadataModule.class, SnapshotsModule.class,
    NetworkModule.class, TasksModule.class, VolumesModule.class, GcModule.class,
    TransferModule.class, CriModule.class})
interface BerthdComponent {
  Map<String, Provider<ServiceGroup>> serviceGroups();

  MetadataStore metadataStore();

  GrpcEventPublisher eventPublisher();

  @Component.Factory
  interface Factory {
    /** {@code api} reaches every Berth service, wherever it runs. */
    BerthdComponent create(@BindsInstance DaemonConfig config, @BindsInstance Channel api);
  }
}
