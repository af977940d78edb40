package dev.berth.gc;

import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.ListContainersRequest;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.ListContentRequest;
import containerd.services.content.v1.ListStatusesRequest;
import containerd.services.content.v1.Status;
import containerd.services.images.v1.Image;
import containerd.services.images.v1.ImagesGrpc;
import containerd.services.images.v1.ListImagesRequest;
import containerd.services.leases.v1.Lease;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.leases.v1.ListResourcesRequest;
import containerd.services.leases.v1.Resource;
import containerd.services.namespaces.v1.ListNamespacesRequest;
import containerd.services.namespaces.v1.Namespace;
import containerd.services.namespaces.v1.NamespacesGrpc;
import containerd.services.snapshots.v1.ListSnapshotsRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import dev.berth.api.grpc.Channels;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.api.labels.GcLabels;
import io.grpc.Channel;
import io.grpc.Status.Code;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.logging.Logger;

/**
 * What a collection reads, through the services' gRPC APIs only: the candidates (blobs,
 * snapshots, ingests) and the roots that keep them. Any call that fails ends the collection of
 * that namespace: with a root source unanswered, nothing can be known to be garbage.
 */
final class StoreView {
  private static final Logger LOG = Logger.getLogger(StoreView.class.getName());

  /** A namespace's roots, and the leases found expired on the way. */
  record Roots(Set<Node> nodes, List<String> expiredLeases) {}

  private final Channel api;
  private final Set<String> snapshotters;

  StoreView(Channel api, Set<String> snapshotters) {
    this.api = api;
    this.snapshotters = snapshotters;
  }

  List<String> namespaces() {
    return NamespacesGrpc.newBlockingStub(api).list(ListNamespacesRequest.getDefaultInstance())
        .getNamespacesList().stream().map(Namespace::getName).sorted().toList();
  }

  /** The namespace's blobs, snapshots and ingests, as they are now. */
  NamespaceGraph candidates(String namespace) {
    Channel ns = Channels.inNamespace(api, namespace);
    NamespaceGraph graph = new NamespaceGraph(namespace, snapshotters);
    ContentGrpc.newBlockingStub(ns).list(ListContentRequest.getDefaultInstance()).forEachRemaining(batch ->
        batch.getInfoList().forEach(i -> graph.add(new NamespaceGraph.Blob(i.getDigest(), i.getSize(), i.getLabelsMap()))));
    for (String sn : snapshotters) {
      SnapshotsGrpc.newBlockingStub(ns).list(ListSnapshotsRequest.newBuilder().setSnapshotter(sn).build())
          .forEachRemaining(batch -> batch.getInfoList().forEach(i ->
              graph.add(new NamespaceGraph.Snapshot(Node.snapshot(sn, i.getName()), i.getParent(), i.getLabelsMap()))));
    }
    for (Status s : ContentGrpc.newBlockingStub(ns).listStatuses(ListStatusesRequest.getDefaultInstance()).getStatusesList()) {
      graph.add(new NamespaceGraph.Ingest(s.getRef(), s.getOffset(), ProtoTimes.toInstant(s.getUpdatedAt())));
    }
    return graph;
  }

  /**
   * The roots, read after the candidates and leases before images and containers: a client
   * hands what it wrote from its lease to an image or container before it deletes the lease,
   * so whatever moves meanwhile is seen in one place or the other.
   */
  Roots roots(String namespace, Instant now) {
    Channel ns = Channels.inNamespace(api, namespace);
    Set<Node> roots = new HashSet<>();
    List<String> expired = new ArrayList<>();
    LeasesGrpc.LeasesBlockingStub leases = LeasesGrpc.newBlockingStub(ns);
    for (Lease lease : leases.list(containerd.services.leases.v1.ListRequest.getDefaultInstance()).getLeasesList()) {
      if (expired(namespace, lease, now)) {
        expired.add(lease.getId());
        continue;
      }
      try {
        for (Resource r : leases.listResources(ListResourcesRequest.newBuilder().setId(lease.getId()).build())
            .getResourcesList()) {
          roots.add(new Node(r.getType(), r.getId()));
        }
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Code.NOT_FOUND) {
          throw e;
        }
        // deleted since the listing: what it held is handed on to images or containers, read next
      }
    }
    for (Image image : ImagesGrpc.newBlockingStub(ns).list(ListImagesRequest.getDefaultInstance()).getImagesList()) {
      roots.add(Node.content(image.getTarget().getDigest()));
      LabelRefs.follow(namespace + " image " + image.getName(), image.getLabelsMap(), snapshotters, roots::add);
    }
    for (Container c : ContainersGrpc.newBlockingStub(ns).list(ListContainersRequest.getDefaultInstance())
        .getContainersList()) {
      if (!c.getSnapshotKey().isEmpty()) {
        roots.add(Node.snapshot(c.getSnapshotter(), c.getSnapshotKey()));
      }
      LabelRefs.follow(namespace + " container " + c.getId(), c.getLabelsMap(), snapshotters, roots::add);
    }
    // a container's image is an image record, a root of its own while it exists
    return new Roots(roots, expired);
  }

  /** containerd's rule: a lease expires at its RFC 3339 {@code gc.expire} label; one it cannot read never does. */
  private static boolean expired(String namespace, Lease lease, Instant now) {
    String expire = lease.getLabelsMap().get(GcLabels.EXPIRE);
    if (expire == null) {
      return false;
    }
    try {
      return OffsetDateTime.parse(expire).toInstant().isBefore(now);
    } catch (DateTimeParseException e) {
      LOG.warning("gc: lease " + lease.getId() + " in namespace " + namespace + " has an unreadable "
          + GcLabels.EXPIRE + " label \"" + expire + "\": it does not expire");
      return false;
    }
  }
}
