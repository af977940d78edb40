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
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Unpacks an image's layers into committed snapshots named by chain ID, as containerd's unpacker
 * does: a layer whose snapshot exists is reused; otherwise an extraction snapshot is prepared,
 * the Diff service applies the layer onto its mounts, the diff ID it reports is checked against
 * the config, and the snapshot is committed under the chain ID onto the previous one. Then the
 * layer blob is labelled with its diff ID and the config with the top snapshot.
 */
final class ImageUnpacker {
  private static final Logger LOG = Logger.getLogger(ImageUnpacker.class.getName());
  /** Extraction keys that clash are retried with a new random part this often. */
  private static final int PREPARE_ATTEMPTS = 3;
  private static final SecureRandom RANDOM = new SecureRandom();
  /** Layers applied at once; each is mostly decompressing and writing files. */
  private static final int PARALLEL_UNPACKS = 3;
  private static final ThreadFactory UNPACK_THREADS = runnable -> {
    Thread t = new Thread(runnable, "image-unpack");
    t.setDaemon(true);
    return t;
  };

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

  /**
   * As {@link #unpack(ResolvedImage, String, UnpackListener)}, each layer once {@code gate} lets it
   * through. Layers are unpacked side by side (at most {@link #PARALLEL_UNPACKS} at once), each
   * into a snapshot prepared on no parent, and committed in order, each onto the one below it
   * (containerd 2.2's parallel unpack, with the snapshotter's rebase at commit): a layer that
   * arrives while those below it are still being unpacked need not wait for them.
   */
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
    List<Future<Extracted>> extractions = new ArrayList<>();
    ExecutorService workers = first == layers.size() ? null
        : Executors.newFixedThreadPool(Math.min(PARALLEL_UNPACKS, layers.size() - first), UNPACK_THREADS);
    // taken in order; a failed one removed its snapshot itself, those after it are abandoned
    int taken = 0;
    try {
      for (int i = first; i < layers.size(); i++) {
        int layer = i;
        extractions.add(workers.submit(
            () -> extract(snapshotter, layers.get(layer), diffIds.get(layer), chain.get(layer), layer == 0, gate)));
      }
      for (; taken < extractions.size(); taken++) {
        int i = first + taken;
        Extracted extracted = result(extractions.get(taken));
        if (extracted != null) {
          commit(snapshotter, extracted, i == 0 ? "" : chain.get(i - 1));
        }
        done += layers.get(i).size();
        listener.progress(done, total);
      }
    } catch (RuntimeException e) {
      abandon(snapshotter, extractions.subList(Math.min(taken + 1, extractions.size()), extractions.size()), e);
      throw e;
    } finally {
      if (workers != null) {
        workers.shutdown();
      }
    }
    content.label(image.config().digest(), Map.of(GcLabels.snapshotRef(snapshotter), top));
    return top;
  }

  /** A layer applied to an extraction snapshot that is still to be committed. */
  private record Extracted(Descriptor layer, String diffId, String chainId, String key) {}

  /**
   * Applies {@code layer} to a new extraction snapshot on no parent; null when the snapshot of
   * its chain ID is there already. The base layer unpacks as a whole tree; a layer above it onto
   * an overlay upperdir whose lower layers are to come, so that its deletions become overlay
   * whiteouts (on a bare directory they would delete nothing and be lost).
   */
  private Extracted extract(String snapshotter, Descriptor layer, String diffId, String chainId, boolean base,
      LayerGate gate) {
    if (exists(snapshotter, chainId)) {
      return null;
    }
    gate.await(layer);
    Map<String, String> labels = Map.of(GcLabels.SNAPSHOT_REF, chainId);
    String key = null;
    List<Mount> mounts = null;
    for (int attempt = 1; mounts == null; attempt++) {
      key = "extract-" + uniquePart() + " " + chainId;
      try {
        mounts = snapshots.prepare(PrepareSnapshotRequest.newBuilder()
            .setSnapshotter(snapshotter).setKey(key).putAllLabels(labels).build())
            .getMountsList();
      } catch (StatusRuntimeException e) {
        if (!is(e, Status.Code.ALREADY_EXISTS) || attempt >= PREPARE_ATTEMPTS) {
          throw e;
        }
        if (exists(snapshotter, chainId)) {
          return null; // unpacked meanwhile by someone else
        }
      }
    }
    try {
      Descriptor applied = Descriptor.fromProto(diff.apply(ApplyRequest.newBuilder()
          .setDiff(layer.toProto()).addAllMounts(base ? mounts : upperOnly(mounts)).build()).getApplied());
      if (!applied.digest().equals(diffId)) {
        throw new ClientException("layer " + layer.digest() + " unpacks to diff ID " + applied.digest()
            + " but the image config says " + diffId);
      }
      return new Extracted(layer, diffId, chainId, key);
    } catch (RuntimeException e) {
      removeQuietly(snapshotter, key, e);
      throw e;
    }
  }

  /** The bind mount of a snapshot on no parent as the overlay upperdir it is, without lower layers yet. */
  private static List<Mount> upperOnly(List<Mount> mounts) {
    if (mounts.size() != 1 || !mounts.get(0).getType().equals("bind")) {
      return mounts;
    }
    Mount bind = mounts.get(0);
    Mount.Builder overlay = Mount.newBuilder().setType("overlay").setSource("overlay");
    bind.getOptionsList().stream().filter(o -> !o.equals("rbind")).forEach(overlay::addOptions);
    return List.of(overlay.addOptions("upperdir=" + bind.getSource()).build());
  }

  private void commit(String snapshotter, Extracted extracted, String parent) {
    try {
      snapshots.commit(CommitSnapshotRequest.newBuilder().setSnapshotter(snapshotter).setName(extracted.chainId())
          .setKey(extracted.key()).setParent(parent).putLabels(GcLabels.SNAPSHOT_REF, extracted.chainId()).build());
    } catch (RuntimeException e) {
      removeQuietly(snapshotter, extracted.key(), e);
      if (e instanceof StatusRuntimeException s && is(s, Status.Code.ALREADY_EXISTS)) {
        return; // committed meanwhile by someone else
      }
      throw e;
    }
    content.label(extracted.layer().digest(), Map.of(GcLabels.UNCOMPRESSED, extracted.diffId()));
  }

  private static Extracted result(Future<Extracted> extraction) {
    try {
      return extraction.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ClientException("interrupted while unpacking", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new ClientException("unpacking failed: " + e.getCause(), e.getCause());
    }
  }

  /** After a failure: the {@code uncommitted} extractions still running are stopped, and those done removed. */
  private void abandon(String snapshotter, List<Future<Extracted>> uncommitted, RuntimeException cause) {
    uncommitted.forEach(f -> f.cancel(true));
    for (Future<Extracted> f : uncommitted) {
      if (f.isCancelled()) {
        continue;
      }
      try {
        Extracted left = f.get();
        if (left != null) {
          removeQuietly(snapshotter, left.key(), cause);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (ExecutionException e) {
        // that extraction removed its snapshot itself
      }
    }
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
