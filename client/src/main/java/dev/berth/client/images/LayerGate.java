package dev.berth.client.images;

/**
 * Holds an unpack back until a layer's blob is in the content store, so a pull can unpack each
 * layer as soon as it and those below it have arrived, while later ones still download.
 */
@FunctionalInterface
public interface LayerGate {
  LayerGate OPEN = layer -> { };

  /** Returns once {@code layer} is stored; throws what kept it from being stored. */
  void await(Descriptor layer);
}
