package dev.berth.transfer;

/** Where one blob of a transfer stands: {@code offset} of {@code total} bytes, in {@code state}. */
public record BlobEvent(String digest, String mediaType, long offset, long total, State state) {
  public enum State { WAITING, TRANSFERRING, VERIFYING, DONE, ALREADY_PRESENT, EXTRACTING, EXTRACTED }
}
