package dev.berth.common.leases;

/**
 * Makes what a request created a resource of the lease the request names (containerd's
 * {@code containerd-lease} header), so garbage collection keeps it while the lease lives.
 */
public interface LeaseRecorder {
  /**
   * Adds resource {@code type}/{@code id} (e.g. {@code content}/digest,
   * {@code snapshots/overlayfs}/key) to {@code lease}; NOT_FOUND if the lease does not exist.
   */
  void add(String namespace, String lease, String type, String id);

  /** Drops the resource from {@code lease}; one that is not there is fine. */
  void remove(String namespace, String lease, String type, String id);
}
