package dev.berth.api.labels;

/**
 * containerd's garbage-collection labels on content, snapshots and leases: the references by
 * which a garbage collector following them from an image keeps everything the image needs
 * ({@code containerd.io/gc.ref.*}), and the facts recorded on blobs and snapshots for it.
 */
public final class GcLabels {
  public static final String CONTENT_PREFIX = "containerd.io/gc.ref.content.";
  public static final String CONFIG = CONTENT_PREFIX + "config";
  public static final String MANIFEST_PREFIX = CONTENT_PREFIX + "m.";
  public static final String LAYER_PREFIX = CONTENT_PREFIX + "l.";
  /** {@code containerd.io/gc.ref.snapshot.<snapshotter>[.<anything>]}: the value is a snapshot key. */
  public static final String SNAPSHOT_PREFIX = "containerd.io/gc.ref.snapshot.";
  /** On anything: keeps it from collection whatever its value. */
  public static final String ROOT = "containerd.io/gc.root";
  /** On a layer blob: the digest of its uncompressed tar, its diff ID. */
  public static final String UNCOMPRESSED = "containerd.io/uncompressed";
  /** On an extraction snapshot and the snapshot it is committed as: the chain ID it unpacks. */
  public static final String SNAPSHOT_REF = "containerd.io/snapshot.ref";
  /** On a lease: when it expires, RFC 3339. */
  public static final String EXPIRE = "containerd.io/gc.expire";

  private GcLabels() {}

  /** On an image config: the snapshot its layers are unpacked to, in {@code snapshotter}. */
  public static String snapshotRef(String snapshotter) {
    return SNAPSHOT_PREFIX + snapshotter;
  }
}
