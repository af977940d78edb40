package dev.berth.gc;

import berth.gc.v1.Removed;
import containerd.services.content.v1.AbortRequest;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.DeleteContentRequest;
import containerd.services.leases.v1.DeleteRequest;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.UsageRequest;
import dev.berth.api.grpc.Channels;
import io.grpc.Channel;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * Removes garbage through the owning services' delete calls, one short transaction each, so
 * readers wait for one removal at most. Each service removes a record before its file: a kill
 * part-way leaves removed records with files its start-up clean-up deletes, never a record
 * without its data. Removals that a concurrent change makes fail (a snapshot that got a child,
 * an ingest a writer holds, something already gone) are skipped: the thing is no longer garbage
 * or no longer there.
 */
final class Sweeper {
  private static final Logger LOG = Logger.getLogger(Sweeper.class.getName());

  private final Channel api;

  Sweeper(Channel api) {
    this.api = api;
  }

  void deleteLeases(String namespace, List<String> leases, List<Removed> removed) {
    LeasesGrpc.LeasesBlockingStub stub = LeasesGrpc.newBlockingStub(Channels.inNamespace(api, namespace));
    for (String id : leases) {
      if (skipped(() -> stub.delete(DeleteRequest.newBuilder().setId(id).build()), namespace, "lease " + id)) {
        continue;
      }
      removed.add(removal(namespace, "leases", id, 0));
    }
  }

  /** {@code snapshots} children first; a parent whose child stayed is left too. */
  void removeSnapshots(String namespace, List<NamespaceGraph.Snapshot> snapshots, List<Removed> removed) {
    SnapshotsGrpc.SnapshotsBlockingStub stub = SnapshotsGrpc.newBlockingStub(Channels.inNamespace(api, namespace));
    Set<Node> kept = new HashSet<>();
    for (NamespaceGraph.Snapshot s : snapshots) {
      String sn = s.node().snapshotter();
      String key = s.node().id();
      long[] size = {0};
      boolean skip = skipped(() -> size[0] = stub.usage(UsageRequest.newBuilder().setSnapshotter(sn).setKey(key).build())
          .getSize(), namespace, "snapshot " + key)
          || skipped(() -> stub.remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(sn).setKey(key).build()),
              namespace, "snapshot " + key);
      if (skip) {
        kept.add(s.node());
      } else {
        removed.add(removal(namespace, s.node().type(), key, size[0]));
      }
    }
    if (!kept.isEmpty()) {
      LOG.fine(() -> "gc: kept " + kept.size() + " snapshots in " + namespace + " that changed meanwhile");
    }
  }

  void deleteContent(String namespace, List<NamespaceGraph.Blob> blobs, List<Removed> removed) {
    ContentGrpc.ContentBlockingStub stub = ContentGrpc.newBlockingStub(Channels.inNamespace(api, namespace));
    for (NamespaceGraph.Blob b : blobs) {
      if (!skipped(() -> stub.delete(DeleteContentRequest.newBuilder().setDigest(b.digest()).build()), namespace,
          "content " + b.digest())) {
        removed.add(removal(namespace, Node.CONTENT, b.digest(), b.size()));
      }
    }
  }

  void abortIngests(String namespace, List<NamespaceGraph.Ingest> ingests, List<Removed> removed) {
    ContentGrpc.ContentBlockingStub stub = ContentGrpc.newBlockingStub(Channels.inNamespace(api, namespace));
    for (NamespaceGraph.Ingest i : ingests) {
      if (!skipped(() -> stub.abort(AbortRequest.newBuilder().setRef(i.ref()).build()), namespace, "ingest " + i.ref())) {
        removed.add(removal(namespace, Node.INGESTS, i.ref(), i.size()));
      }
    }
  }

  /**
   * Runs one removal call; true if the service refused it for a reason a concurrent change
   * explains (gone, in use, held). Anything else ends the collection.
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
