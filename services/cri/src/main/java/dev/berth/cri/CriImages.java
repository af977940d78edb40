package dev.berth.cri;

import berth.transfer.v1.RegistryAuth;
import java.util.List;
import java.util.Optional;

/**
 * Images as the CRI sees them: one per image id (the digest of its config for this host's
 * platform), known by every name of the Images records whose target leads to it. Failures are
 * {@link dev.berth.api.grpc.BerthException}s or the statuses of the APIs called: INVALID_ARGUMENT
 * for an empty or malformed reference or an ambiguous id prefix; what the Transfer API answers
 * for a pull that fails (NOT_FOUND, PERMISSION_DENIED, UNAVAILABLE ...).
 */
public interface CriImages {
  /** Every image of the CRI namespace whose content for this platform is all there. */
  List<CriImage> list();

  /**
   * The image {@code reference} names: a name with tag or digest (Docker's short forms too), the
   * image id, or a prefix of the id that only one image has; empty if none does.
   */
  Optional<CriImage> find(String reference);

  /** Pulls and unpacks the image through the Transfer API with {@code auth}; returns its image id. */
  String pull(String reference, RegistryAuth auth);

  /**
   * Deletes every record naming the image {@code reference} finds (its content goes with the
   * last); false if there was none.
   */
  boolean remove(String reference);

  /** What the snapshots of the CRI namespace take on the snapshotter's filesystem. */
  FilesystemUse filesystemUse();

  /** Bytes and inodes the image layers' snapshots use under {@code mountpoint}. */
  record FilesystemUse(String mountpoint, long usedBytes, long inodesUsed) {}
}
