package dev.berth.transfer;

/**
 * Told of each blob's progress; called from several threads at once (one per concurrent
 * download), so implementations synchronise what they share.
 */
@FunctionalInterface
public interface TransferListener {
  void blob(BlobEvent event);

  /**
   * A push cannot go because content {@code digest} names is not here; the push fails NOT_FOUND
   * right after.
   */
  default void contentMissing(String digest) {}

  /** Whether the client still waits for the transfer; work stops soon after it does not. */
  default boolean cancelled() {
    return false;
  }
}
