package dev.berth.metadata;

import containerd.services.introspection.v1.Plugin;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.gc.GarbageCollectionRequests;
import dev.berth.common.store.MetadataStore;
import dev.berth.metadata.events.BusEventPublisher;
import dev.berth.metadata.events.EventBus;
import dev.berth.metadata.events.EventHistoryService;
import dev.berth.metadata.events.EventsService;
import dev.berth.metadata.images.ImageStore;
import dev.berth.metadata.images.ImagesService;
import dev.berth.metadata.introspection.IntrospectionService;
import dev.berth.metadata.introspection.ServerIdentity;
import dev.berth.metadata.leases.LeaseStore;
import dev.berth.metadata.leases.LeasesService;
import dev.berth.metadata.namespaces.NamespaceStore;
import dev.berth.metadata.namespaces.NamespaceUsage;
import dev.berth.metadata.namespaces.NamespacesService;
import dev.berth.metadata.version.VersionService;
import io.grpc.BindableService;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The six metadata services wired together: Namespaces, Images, Leases, Events, Version and
 * Introspection, sharing one event bus. The daemon serves {@link #services()} and hands
 * {@link #eventPublisher()} to other services in the same JVM.
 */
public final class MetadataServices {
  private final List<BindableService> services;
  private final EventPublisher eventPublisher;

  /**
   * @param root durable state directory; the server's UUID is kept under it
   * @param store the metadata database (this module adds its tables; the caller closes it)
   * @param extraUsageChecks what else a namespace may hold besides images and leases (e.g.
   *     {@link dev.berth.metadata.namespaces.GrpcUsage#content}); Namespaces.Delete refuses while
   *     any of them reports something
   * @param plugins what Introspection.Plugins lists, asked on every call
   * @param gc the garbage collector image and lease deletions ask for collections
   */
  public MetadataServices(Path root, MetadataStore store, List<NamespaceUsage> extraUsageChecks,
      Supplier<List<Plugin>> plugins, GarbageCollectionRequests gc) throws IOException {
    EventBus bus = new EventBus();
    eventPublisher = new BusEventPublisher(bus);
    NamespaceStore namespaces = new NamespaceStore(store);
    ImageStore images = new ImageStore(store, namespaces);
    LeaseStore leases = new LeaseStore(store, namespaces);
    List<NamespaceUsage> usages = new ArrayList<>(List.of(images, leases));
    usages.addAll(extraUsageChecks);
    services = List.of(
        new NamespacesService(namespaces, usages, eventPublisher),
        new ImagesService(images, eventPublisher, gc),
        new LeasesService(leases, gc),
        new EventsService(bus),
        new EventHistoryService(bus),
        new VersionService(),
        new IntrospectionService(ServerIdentity.load(root), plugins));
  }

  public List<BindableService> services() {
    return services;
  }

  /** Publishes straight into the Events service's bus. */
  public EventPublisher eventPublisher() {
    return eventPublisher;
  }
}
