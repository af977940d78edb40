package dev.berth.transfer;

/**
 * Where one blob of a transfer stands: {@code offset} of {@code total} bytes, in {@code state};
 * {@code mountedFrom} the repository a pushed blob was mounted from, else empty.
 */
public record BlobEvent(String digest, String mediaType, long offset, long total, State state, String mountedFrom) {
  public enum State { WAITING, TRANSFERRING, VERIFYING, DONE, ALREADY_PRESENT, EXTRACTING, EXTRACTED }

  public BlobEvent(String digest, String mediaType, long offset, long total, State state) {
    this(digest, mediaType, offset, total, state, "");
  }
}
