package dev.berth.client.images;

/** Told how far an unpack has come, in bytes of layer blobs (applied or found unpacked already). */
@FunctionalInterface
public interface UnpackListener {
  UnpackListener NONE = (done, total) -> {};

  void progress(long done, long total);
}
