package dev.berth.transfer.pull;

import dev.berth.client.images.Descriptor;
import dev.berth.client.images.UnpackListener;
import dev.berth.transfer.BlobEvent;
import dev.berth.transfer.TransferListener;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Turns the unpacker's running count of layer bytes into per-layer events: a layer being
 * extracted is told when its gate opens, and once the count has passed it, extracted. A layer
 * whose snapshot was there already is counted without either (Docker's "Already exists" alone).
 */
final class LayerUnpackEvents implements UnpackListener {
  private final List<Descriptor> layers;
  private final TransferListener listener;
  /** Digests of the layers told as extracting: gates open on the unpacker's worker threads. */
  private final Set<String> extracting = ConcurrentHashMap.newKeySet();
  /** Layers the count has passed so far, bottom first. */
  private int passed;

  LayerUnpackEvents(List<Descriptor> layers, TransferListener listener) {
    this.layers = layers;
    this.listener = listener;
  }

  /** Tells that {@code layer} is being extracted. */
  void extracting(Descriptor layer) {
    extracting.add(layer.digest());
    report(layer, BlobEvent.State.EXTRACTING);
  }

  @Override
  public void progress(long done, long total) {
    long end = 0;
    for (int i = 0; i < passed; i++) {
      end += layers.get(i).size();
    }
    while (passed < layers.size() && end + layers.get(passed).size() <= done && done > 0) {
      Descriptor layer = layers.get(passed);
      end += layer.size();
      if (extracting.contains(layer.digest())) {
        report(layer, BlobEvent.State.EXTRACTED);
      }
      passed++;
    }
  }

  private void report(Descriptor layer, BlobEvent.State state) {
    listener.blob(new BlobEvent(layer.digest(), layer.mediaType(), layer.size(), layer.size(), state));
  }
}
