package dev.berth.client.images;

import dev.berth.api.Digests;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Chain IDs name the snapshot of a layer stack (OCI image spec): the first is the first layer's
 * diff ID; each next one is the sha256 of "previous chain ID, space, this diff ID".
 */
public final class ChainIds {
  private ChainIds() {}

  /** The chain ID of each prefix of {@code diffIds}: element i names layers 0..i. */
  public static List<String> of(List<String> diffIds) {
    List<String> chain = new ArrayList<>(diffIds.size());
    String previous = null;
    for (String diffId : diffIds) {
      if (previous == null) {
        previous = diffId;
      } else {
        byte[] link = (previous + " " + diffId).getBytes(StandardCharsets.UTF_8);
        MessageDigest sha256 = Digests.newSha256(link.length);
        sha256.update(link);
        previous = Digests.format(sha256);
      }
      chain.add(previous);
    }
    return chain;
  }

  /** The chain ID of the whole stack. */
  public static String top(List<String> diffIds) {
    if (diffIds.isEmpty()) {
      throw new IllegalArgumentException("an image without layers has no chain ID");
    }
    List<String> chain = of(diffIds);
    return chain.get(chain.size() - 1);
  }
}
