package dev.berth.gc;

import io.grpc.BindableService;
import dev.berth.api.grpc.UnreachableLog;
import io.grpc.Channel;
import java.util.List;
import java.util.logging.Logger;

/**
 * The collector as berthd hosts it: its gRPC service, and the background work (start-up and
 * timed collections, deletion events) to start once every other service answers.
 */
public final class GarbageCollection implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(GarbageCollection.class.getName());
  private final CollectionScheduler scheduler;
  private final DeletionEvents events;

  /** @param api a channel serving Namespaces, Leases, Images, Containers, Content, Snapshots and Events */
  public GarbageCollection(Channel api, GcSettings settings) {
    Collector collector = new Collector(api, settings);
    // one line when the other groups stop answering and one when they are back, for both
    UnreachableLog unreachable = new UnreachableLog(LOG, "gc");
    this.scheduler = new CollectionScheduler(collector::collect, settings, unreachable);
    this.events = new DeletionEvents(api, scheduler, unreachable);
  }

  public List<BindableService> services() {
    return List.of(new GarbageCollectorService(scheduler));
  }

  public void start() {
    events.subscribe();
    scheduler.start();
  }

  @Override
  public void close() {
    events.close();
    scheduler.close();
  }
}
