package dev.berth.transfer;

import dev.berth.client.images.Platform;
import dev.berth.transfer.registry.Credentials;
import dev.berth.transfer.registry.Reference;

/**
 * A pull as asked for: the reference, the platform to select (and unpack), or every platform of
 * an index; the snapshotter to unpack into, or none; credentials and whether plain HTTP is allowed.
 */
public record PullOrder(String namespace, Reference reference, Platform platform, boolean allPlatforms,
    String snapshotter, Credentials credentials, boolean insecure, int concurrency) {
  public boolean unpack() {
    return snapshotter != null;
  }
}
