package dev.berth.gc;

import containerd.services.events.v1.Envelope;
import dev.berth.api.events.EventSubscription;
import dev.berth.api.grpc.UnreachableLog;
import io.grpc.Channel;
import java.util.List;

/**
 * Deletions that can leave something unreferenced, from the Events API: an image's, a
 * container's, a snapshot's. Each asks the scheduler for a collection soon; a snapshot removal
 * during a collection is the collector's own and asks for nothing. (Lease deletions publish no
 * event in containerd: the Leases service asks the collector itself.) A stream opened again after
 * a break asks for a collection too, since deletions may have been missed.
 */
final class DeletionEvents implements AutoCloseable {
  static final String SNAPSHOT_REMOVE = "/snapshot/remove";
  static final List<String> TOPICS = List.of("/images/delete", "/containers/delete", SNAPSHOT_REMOVE);

  private final EventSubscription subscription;

  DeletionEvents(Channel api, CollectionScheduler scheduler, UnreachableLog unreachable) {
    this.subscription = new EventSubscription("gc", api, TOPICS.stream().map(t -> "topic==\"" + t + "\"").toList(),
        new EventSubscription.Listener() {
          @Override
          public void event(Envelope envelope) {
            if (!(envelope.getTopic().equals(SNAPSHOT_REMOVE) && scheduler.collecting())) {
              scheduler.soon();
            }
          }

          @Override
          public void resubscribed() {
            scheduler.soon();
          }
        }, unreachable);
  }

  void subscribe() {
    subscription.subscribe();
  }

  @Override
  public void close() {
    subscription.close();
  }
}
