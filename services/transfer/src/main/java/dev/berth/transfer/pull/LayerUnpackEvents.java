package dev.berth.transfer.pull;

import dev.berth.client.images.Descriptor;
import dev.berth.client.images.UnpackListener;
import dev.berth.transfer.BlobEvent;
import dev.berth.transfer.TransferListener;
import java.util.List;

/**
 * Turns the unpacker's running count of layer bytes into per-layer events: a layer the count has
 * passed is extracted. (That one is being extracted is told when its gate opens.)
 */
final class LayerUnpackEvents implements UnpackListener {
  private final List<Descriptor> layers;
  private final TransferListener listener;
  /** Layers reported extracted so far, bottom first. */
  private int extracted;

  LayerUnpackEvents(List<Descriptor> layers, TransferListener listener) {
    this.layers = layers;
    this.listener = listener;
  }

  @Override
  public void progress(long done, long total) {
    long end = 0;
    for (int i = 0; i < extracted; i++) {
      end += layers.get(i).size();
    }
    while (extracted < layers.size() && end + layers.get(extracted).size() <= done && done > 0) {
      end += layers.get(extracted).size();
      report(layers.get(extracted), BlobEvent.State.EXTRACTED);
      extracted++;
    }
  }

  static void report(TransferListener listener, Descriptor layer, BlobEvent.State state) {
    listener.blob(new BlobEvent(layer.digest(), layer.mediaType(), layer.size(), layer.size(), state));
  }

  private void report(Descriptor layer, BlobEvent.State state) {
    report(listener, layer, state);
  }
}
