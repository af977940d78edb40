package dev.berth.transfer;

import dev.berth.client.images.Platform;
import dev.berth.transfer.registry.Credentials;
import dev.berth.transfer.registry.Reference;

/** A push as asked for: the image record's name, where it goes, which platform(s), credentials. */
public record PushOrder(String namespace, String image, Reference destination, Platform platform,
    boolean allPlatforms, Credentials credentials, boolean insecure, int concurrency) {}
