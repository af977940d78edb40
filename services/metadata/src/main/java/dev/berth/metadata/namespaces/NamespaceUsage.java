package dev.berth.metadata.namespaces;

import java.util.Optional;

/**
 * One kind of thing a namespace can hold (images, leases, content, containers, snapshots...).
 * A namespace may only be deleted when every check answers empty, as in containerd.
 */
@FunctionalInterface
public interface NamespaceUsage {
  /**
   * What {@code namespace} still holds of this kind, in a few words for the error message
   * (e.g. {@code "2 images"}), or empty if it holds none.
   */
  Optional<String> describeUse(String namespace);
}
