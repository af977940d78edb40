package dev.berth.snapshots;

/**
 * Adds snapshots to the lease a request names, so the collector keeps them (containerd's
 * {@code containerd-lease} header). Resources are of type {@code snapshots/<snapshotter>}.
 */
public interface LeaseRecorder {
  /** Makes {@code key} a resource of {@code lease}; fails (e.g. NOT_FOUND) if the lease does not exist. */
  void add(String namespace, String lease, String snapshotter, String key);

  /** Drops {@code key} from {@code lease}; a resource not in the lease is fine. */
  void remove(String namespace, String lease, String snapshotter, String key);
}
