package dev.berth.client.images;

import containerd.services.diff.v1.ApplyRequest;
import containerd.services.diff.v1.DiffGrpc;
import containerd.services.snapshots.v1.CommitSnapshotRequest;
import containerd.services.snapshots.v1.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.RemoveSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import containerd.services.snapshots.v1.StatSnapshotRequest;
import containerd.types.Mount;
import dev.berth.api.content.Blobs;
import dev.berth.api.labels.GcLabels;
import dev.berth.client.ClientException;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Unpacks an image's layers into committed snapshots named by chain ID, as containerd's unpacker
 * does: a layer whose snapshot exists is reused; otherwise an extraction snapshot is prepared on
 * the previous one, the Diff service applies the layer onto its mounts, the diff ID it reports is
 * checked against the config, and the snapshot is committed under the chain ID. Then the layer
 * blob is labelled with its diff ID and the config with the top snapshot.
 */
final class ImageUnpacker {
  private static final Logger LOG = Logger.getLogger(ImageUnpacker.class.getName());
  /** Extraction keys that clash are retried with a new random part this often. */
  private static final int PREPARE_ATTEMPTS = 3;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Blobs content;
  private final SnapshotsGrpc.SnapshotsBlockingStub snapshots;
  private final DiffGrpc.DiffBlockingStub diff;
  private final JsonBlobs blobs;

  /** {@code channel} carries the namespace and the lease that protects snapshots being made. */
  ImageUnpacker(Channel channel, JsonBlobs blobs) {
    this.content = Blobs.on(channel);
    this.snapshots = SnapshotsGrpc.newBlockingStub(channel);
    this.diff = DiffGrpc.newBlockingStub(channel);
    this.blobs = blobs;
  }

  /** Unpacks {@code image} into {@code snapshotter}; returns the chain ID of its top snapshot. */
  String unpack(ResolvedImage image, String snapshotter, UnpackListener listener) {
    return unpack(image, snapshotter, listener, LayerGate.OPEN);
  }

  /** As {@link #unpack(ResolvedImage, String, UnpackListener)}, each layer once {@code gate} lets it through. */
  String unpack(ResolvedImage image, String snapshotter, UnpackListener listener, LayerGate gate) {
    List<String> diffIds = blobs.config(image.config()).diffIds();
    List<Descriptor> layers = image.layers();
    if (layers.size() != diffIds.size()) {
      throw new ClientException("image config " + image.config().digest() + " lists " + diffIds.size()
          + " diff IDs for " + layers.size() + " layers");
    }
    if (layers.isEmpty()) {
      throw new ClientException("manifest " + image.manifestDescriptor().digest() + " has no layers to unpack");
    }
    List<String> chain = ChainIds.of(diffIds);
    long total = layers.stream().mapToLong(Descriptor::size).sum();
    String top = chain.get(chain.size() - 1);
    // a snapshot exists only on its parents: the top one there means every layer is (one Stat,
    // which under a lease also protects it, instead of one per layer)
    int first = exists(snapshotter, top) ? layers.size() : 0;
    long done = first == 0 ? 0 : total;
    listener.progress(done, total);
    for (int i = first; i < layers.size(); i++) {
      String parent = i == 0 ? "" : chain.get(i - 1);
      if (!exists(snapshotter, chain.get(i))) {
        gate.await(layers.get(i));
        unpackLayer(snapshotter, layers.get(i), diffIds.get(i), chain.get(i), parent);
      }
      done += layers.get(i).size();
      listener.progress(done, total);
    }
    content.label(image.config().digest(), Map.of(GcLabels.snapshotRef(snapshotter), top));
    return top;
  }

  private void unpackLayer(String snapshotter, Descriptor layer, String diffId, String chainId, String parent) {
    Map<String, String> labels = Map.of(GcLabels.SNAPSHOT_REF, chainId);
    String key = null;
    List<Mount> mounts = null;
    for (int attempt = 1; mounts == null; attempt++) {
      key = "extract-" + uniquePart() + " " + chainId;
      try {
        mounts = snapshots.prepare(PrepareSnapshotRequest.newBuilder()
            .setSnapshotter(snapshotter).setKey(key).setParent(parent).putAllLabels(labels).build())
            .getMountsList();
      } catch (StatusRuntimeException e) {
        if (!is(e, Status.Code.ALREADY_EXISTS) || attempt >= PREPARE_ATTEMPTS) {
          throw e;
        }
        if (exists(snapshotter, chainId)) {
          return; // unpacked meanwhile by someone else
        }
      }
    }
    try {
      Descriptor applied = Descriptor.fromProto(diff.apply(ApplyRequest.newBuilder()
          .setDiff(layer.toProto()).addAllMounts(mounts).build()).getApplied());
      if (!applied.digest().equals(diffId)) {
        throw new ClientException("layer " + layer.digest() + " unpacks to diff ID " + applied.digest()
            + " but the image config says " + diffId);
      }
      snapshots.commit(CommitSnapshotRequest.newBuilder()
          .setSnapshotter(snapshotter).setName(chainId).setKey(key).putAllLabels(labels).build());
    } catch (RuntimeException e) {
      removeQuietly(snapshotter, key, e);
      if (e instanceof StatusRuntimeException s && is(s, Status.Code.ALREADY_EXISTS)) {
        return; // committed meanwhile by someone else
      }
      throw e;
    }
    content.label(layer.digest(), Map.of(GcLabels.UNCOMPRESSED, diffId));
  }

  private boolean exists(String snapshotter, String key) {
    try {
      snapshots.stat(StatSnapshotRequest.newBuilder().setSnapshotter(snapshotter).setKey(key).build());
      return true;
    } catch (StatusRuntimeException e) {
      if (is(e, Status.Code.NOT_FOUND)) {
        return false;
      }
      throw e;
    }
  }

  private void removeQuietly(String snapshotter, String key, RuntimeException cause) {
    try {
      snapshots.remove(RemoveSnapshotRequest.newBuilder().setSnapshotter(snapshotter).setKey(key).build());
    } catch (StatusRuntimeException e) {
      cause.addSuppressed(e);
      LOG.log(Level.WARNING, "could not remove extraction snapshot " + key, e);
    }
  }

  /** What containerd puts in extraction keys to keep concurrent unpacks apart. */
  private static String uniquePart() {
    byte[] random = new byte[3];
    RANDOM.nextBytes(random);
    return System.nanoTime() % 1_000_000_000L + "-" + Base64.getUrlEncoder().encodeToString(random);
  }

  private static boolean is(StatusRuntimeException e, Status.Code code) {
    return e.getStatus().getCode() == code;
  }
}
