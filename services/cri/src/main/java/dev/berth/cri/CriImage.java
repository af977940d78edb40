package dev.berth.cri;

import dev.berth.client.images.Image;
import java.util.List;

/**
 * One image for the CRI: its id (config digest), names with a tag ({@code repoTags}) and by
 * manifest digest ({@code repoDigests}), bytes of content, the user the config names (empty if
 * none), the config as stored, the chain ID of its unpacked layers, and the Images records that
 * lead to it as listed (what RemoveImage deletes, and what a container is created from).
 */
public record CriImage(String id, List<String> repoTags, List<String> repoDigests, long size, String user,
    byte[] config, String chainId, List<Image> records) {
  public CriImage {
    repoTags = List.copyOf(repoTags);
    repoDigests = List.copyOf(repoDigests);
    records = List.copyOf(records);
  }
}
