package dev.berth.transfer;

import dev.berth.client.images.Image;

/** The image record a transfer wrote or pushed, the reference it resolved to, and the digest and size moved. */
public record Transferred(Image image, String resolved, String digest, long size) {}
