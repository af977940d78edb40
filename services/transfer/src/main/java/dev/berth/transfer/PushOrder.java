package dev.berth.transfer;

import dev.berth.client.images.Platform;
import dev.berth.transfer.registry.Credentials;
import dev.berth.transfer.registry.Reference;

/**
 * A push as asked for: the image record's name, where it goes, the platform asked for (null:
 * none) or the whole image only ({@code allPlatforms}), credentials.
 */
public record PushOrder(String namespace, String image, Reference destination, Platform platform,
    boolean allPlatforms, Credentials credentials, boolean insecure, int concurrency) {}
