package dev.berth.gc;

import berth.gc.v1.ContentSweeperGrpc;
import berth.gc.v1.Removed;
import berth.gc.v1.SnapshotSweeperGrpc;
import berth.gc.v1.SweepRequest;
import berth.gc.v1.SweepResponse;
import containerd.services.content.v1.AbortRequest;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.leases.v1.DeleteRequest;
import containerd.services.leases.v1.LeasesGrpc;
import dev.berth.api.grpc.Channels;
import dev.berth.api.grpc.ProtoTimes;
import io.grpc.Channel;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Removes garbage through the owning services: blobs and snapshots in batches through their
 * {@code berth.gc.v1} sweepers (one short transaction of records per batch, then the files, so
 * readers wait for one batch at most and a kill part-way leaves only files without records,
 * which the services delete at start), expired leases and stale ingests one by one through
 * their containerd APIs. What a concurrent change saved (a snapshot that got a child, an ingest
 * a writer holds, something already gone) is left.
 */
final class Sweeper {
  private static final Logger LOG = Logger.getLogger(Sweeper.class.getName());
  /** Removals per transaction: few enough that a reader waits a few milliseconds at most. */
  static final int BATCH = 100;

  private final Channel api;

  Sweeper(Channel api) {
    this.api = api;
  }

  void deleteLeases(String namespace, List<String> leases, List<Removed> removed) {
    LeasesGrpc.LeasesBlockingStub stub = LeasesGrpc.newBlockingStub(Channels.inNamespace(api, namespace));
    for (String id : leases) {
      if (!skipped(() -> stub.delete(DeleteRequest.newBuilder().setId(id).build()), namespace, "lease " + id)) {
        removed.add(removal(namespace, "leases", id, 0));
      }
    }
  }

  /** {@code snapshots} children first; a parent whose child stayed stays too. */
  /** The snapshots, children first, but none a client asked for since {@code collectionStart}. */
  void removeSnapshots(String namespace, List<NamespaceGraph.Snapshot> snapshots, Instant collectionStart,
      List<Removed> removed) {
    SnapshotSweeperGrpc.SnapshotSweeperBlockingStub stub =
        SnapshotSweeperGrpc.newBlockingStub(Channels.inNamespace(api, namespace));
    Map<String, List<String>> keysBySnapshotter = new LinkedHashMap<>();
    for (NamespaceGraph.Snapshot s : snapshots) {
      keysBySnapshotter.computeIfAbsent(s.node().snapshotter(), k -> new ArrayList<>()).add(s.node().id());
    }
    keysBySnapshotter.forEach((sn, keys) -> inBatches(keys, batch ->
        stub.sweep(SweepRequest.newBuilder().setSnapshotter(sn).addAllIds(batch)
            .setUntouchedSince(ProtoTimes.toTimestamp(collectionStart)).build()), namespace,
        Node.SNAPSHOTS + sn, removed));
  }

  /** The blobs, but none a client leased since {@code collectionStart} (after the roots were read, maybe). */
  void deleteContent(String namespace, List<NamespaceGraph.Blob> blobs, Instant collectionStart,
      List<Removed> removed) {
    ContentSweeperGrpc.ContentSweeperBlockingStub stub =
        ContentSweeperGrpc.newBlockingStub(Channels.inNamespace(api, namespace));
    inBatches(blobs.stream().map(NamespaceGraph.Blob::digest).toList(),
        batch -> stub.sweep(SweepRequest.newBuilder().addAllIds(batch)
            .setUntouchedSince(ProtoTimes.toTimestamp(collectionStart)).build()), namespace, Node.CONTENT, removed);
  }

  void abortIngests(String namespace, List<NamespaceGraph.Ingest> ingests, List<Removed> removed) {
    ContentGrpc.ContentBlockingStub stub = ContentGrpc.newBlockingStub(Channels.inNamespace(api, namespace));
    for (NamespaceGraph.Ingest i : ingests) {
      if (!skipped(() -> stub.abort(AbortRequest.newBuilder().setRef(i.ref()).build()), namespace, "ingest " + i.ref())) {
        removed.add(removal(namespace, Node.INGESTS, i.ref(), i.size()));
      }
    }
  }

  private static void inBatches(List<String> ids, Function<List<String>, SweepResponse> sweep, String namespace,
      String type, List<Removed> removed) {
    for (int i = 0; i < ids.size(); i += BATCH) {
      List<String> batch = ids.subList(i, Math.min(ids.size(), i + BATCH));
      SweepResponse swept = sweep.apply(batch);
      swept.getSweptList().forEach(s -> removed.add(removal(namespace, type, s.getId(), s.getSize())));
      if (swept.getSweptCount() < batch.size()) {
        int left = batch.size() - swept.getSweptCount();
        LOG.fine(() -> "gc: " + left + " of " + type + " in " + namespace + " changed meanwhile and stay");
      }
    }
  }

  /**
   * Runs one removal call; true if the service refused it for a reason a concurrent change
   * explains (gone, held by a writer). Anything else ends the collection of the namespace.
   */
  private static boolean skipped(Runnable call, String namespace, String what) {
    try {
      call.run();
      return false;
    } catch (StatusRuntimeException e) {
      Code code = e.getStatus().getCode();
      if (code == Code.NOT_FOUND || code == Code.FAILED_PRECONDITION || code == Code.UNAVAILABLE) {
        LOG.fine(() -> "gc: leaving " + what + " in " + namespace + ": " + e.getStatus());
        return true;
      }
      throw e;
    }
  }

  private static Removed removal(String namespace, String type, String id, long size) {
    return Removed.newBuilder().setNamespace(namespace).setType(type).setId(id).setSize(size).build();
  }
}
