package dev.berth.client.images;

import com.fasterxml.jackson.databind.JsonNode;
import dev.berth.client.ClientException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the client needs of an image config: its platform and the diff IDs (digests of the
 * uncompressed layers, bottom first) that name the unpacked snapshots.
 */
public record ImageConfig(Platform platform, List<String> diffIds) {
  public ImageConfig {
    diffIds = List.copyOf(diffIds);
  }

  static ImageConfig parse(byte[] json, String what) {
    JsonNode root = OciJson.tree(json, what);
    if (!root.isObject()) {
      throw new ClientException(what + " is not a JSON object");
    }
    List<String> diffIds = new ArrayList<>();
    for (JsonNode id : root.path("rootfs").path("diff_ids")) {
      diffIds.add(id.asText());
    }
    Platform platform = Platform.of(root.path("os").asText(""), root.path("architecture").asText(""),
        root.path("variant").asText(""));
    return new ImageConfig(platform, diffIds);
  }
}
