package dev.berth.client.build;

import dev.berth.client.images.Image;

/** Finds the image a FROM names, pulling it if it is not here (the caller decides how and what it prints). */
@FunctionalInterface
public interface BaseImages {
  Image find(String reference);
}
