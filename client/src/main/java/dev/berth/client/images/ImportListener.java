package dev.berth.client.images;

/** Told how an import advances: archive bytes read, then each image's layers unpacked. */
public interface ImportListener {
  ImportListener NONE = new ImportListener() {};

  /** {@code bytes} of the archive (as given, compressed or not) have been read. */
  default void archiveRead(long bytes) {}

  /** {@code done} of {@code total} bytes of {@code image}'s layers are unpacked. */
  default void unpacking(Image image, long done, long total) {}
}
