package dev.berth.ctl.image;

import dev.berth.client.images.Image;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.ImportListener;
import dev.berth.ctl.Io;
import dev.berth.ctl.content.TransferProgress;

/**
 * Progress bars for {@code load}: one while the archive is read, then one per image while its
 * layers are unpacked. Each shows under {@link TransferProgress}'s rules (a terminal and a big
 * transfer, or forced).
 */
final class LoadProgress implements ImportListener, AutoCloseable {
  private final Io io;
  private final boolean forced;
  private TransferProgress loading;
  private TransferProgress unpacking;
  private String unpackingImage;

  /** {@code archiveSize} is -1 when the archive comes from a stream. */
  LoadProgress(Io io, boolean forced, long archiveSize) {
    this.io = io;
    this.forced = forced;
    this.loading = new TransferProgress("Loading", io.err(), io.errIsTerminal(), forced, archiveSize);
  }

  @Override
  public void archiveRead(long bytes) {
    if (loading != null) {
      loading.reached(bytes);
    }
  }

  @Override
  public void unpacking(Image image, long done, long total) {
    if (loading != null) {
      loading.close();
      loading = null;
    }
    if (!image.name().equals(unpackingImage)) {
      if (unpacking != null) {
        unpacking.close();
      }
      unpackingImage = image.name();
      unpacking = new TransferProgress("Unpacking " + ImageNames.familiar(image.name()), io.err(),
          io.errIsTerminal(), forced, total);
    }
    unpacking.reached(done);
  }

  @Override
  public void close() {
    if (loading != null) {
      loading.close();
    }
    if (unpacking != null) {
      unpacking.close();
    }
  }
}
