package dev.berth.common.gc;

/**
 * How a service that deletes something asks for garbage collection (containerd's {@code sync}
 * on Images.Delete and Leases.Delete, and lease deletions, which publish no event).
 */
public interface GarbageCollectionRequests {
  /** Collects and returns once the collection is done. */
  void collectNow();

  /** Asks for a collection soon and returns at once. */
  void collectSoon();
}
