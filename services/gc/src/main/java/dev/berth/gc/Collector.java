package dev.berth.gc;

import berth.gc.v1.CollectResponse;
import berth.gc.v1.Removed;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One collection over every namespace. Per namespace: list the candidates, read the roots, list
 * again and mark, read the roots once more just before removing (whatever a client protected
 * meanwhile stays), then remove expired leases, snapshots children first, blobs (but no blob or
 * snapshot a client leased since the collection began: the service that owns it knows, the roots
 * read before may not), stale ingests. Marking
 * holds no lock of any service; each removal is one short transaction of the service that owns
 * the thing.
 */
public final class Collector {
  private static final Logger LOG = Logger.getLogger(Collector.class.getName());

  private final StoreView view;
  private final Sweeper sweeper;
  private final Duration ingestExpiry;

  /** @param api a channel serving Namespaces, Leases, Images, Containers, Content and Snapshots */
  public Collector(Channel api, GcSettings settings) {
    this.view = new StoreView(api, settings.snapshotters());
    this.sweeper = new Sweeper(api);
    this.ingestExpiry = settings.ingestExpiry();
  }

  /** Collects every namespace; a namespace whose roots cannot all be read is left alone. */
  public CollectResponse collect() {
    long began = System.nanoTime();
    Instant start = Instant.now();
    List<Removed> removed = new ArrayList<>();
    for (String namespace : view.namespaces()) {
      try {
        collect(namespace, start, removed);
      } catch (StatusRuntimeException e) {
        LOG.warning("gc: namespace " + namespace + " not collected: " + e.getStatus());
      }
    }
    long reclaimed = removed.stream().mapToLong(Removed::getSize).sum();
    if (!removed.isEmpty()) {
      LOG.info("gc: removed " + removed.size() + " items (" + reclaimed + " bytes) in "
          + (System.nanoTime() - began) / 1_000_000 + " ms");
    }
    return CollectResponse.newBuilder().addAllRemoved(removed).setSpaceReclaimed(reclaimed).build();
  }

  /**
   * The listing taken first names what may go: anything created later is never a candidate.
   * Marking follows the labels and parents of a second listing, taken after the roots: a client
   * labels what it wrote (a config's snapshot reference after unpacking) before it deletes the
   * lease that held it, so a label the roots' reading counts on is in that listing.
   */
  private void collect(String namespace, Instant start, List<Removed> removed) {
    NamespaceGraph candidates = view.candidates(namespace);
    StoreView.Roots roots = view.roots(namespace, start);
    NamespaceGraph current = view.candidates(namespace);
    Instant ingestCutoff = start.minus(ingestExpiry);
    NamespaceGraph.Garbage garbage = candidates.garbage(current.mark(roots.nodes()), ingestCutoff);
    if (garbage.isEmpty() && roots.expiredLeases().isEmpty()) {
      return;
    }
    // the roots once more, just before removing: what a client took into a lease meanwhile stays
    Set<Node> all = new HashSet<>(roots.nodes());
    all.addAll(view.roots(namespace, start).nodes());
    garbage = candidates.garbage(current.mark(all), ingestCutoff);
    sweeper.deleteLeases(namespace, roots.expiredLeases(), removed);
    sweeper.removeSnapshots(namespace, garbage.snapshots(), start, removed);
    sweeper.deleteContent(namespace, garbage.content(), start, removed);
    sweeper.abortIngests(namespace, garbage.ingests(), removed);
  }
}
