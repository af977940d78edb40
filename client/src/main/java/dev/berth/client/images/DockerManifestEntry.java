package dev.berth.client.images;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;

/**
 * One image of a docker save archive's {@code manifest.json}: paths (inside the archive) of its
 * config and layers, bottom first, and the names it was saved under.
 */
@JsonPropertyOrder({"Config", "RepoTags", "Layers"})
record DockerManifestEntry(
    @JsonProperty("Config") String config,
    @JsonProperty("RepoTags") List<String> repoTags,
    @JsonProperty("Layers") List<String> layers) {

  DockerManifestEntry {
    repoTags = repoTags == null ? List.of() : List.copyOf(repoTags);
    layers = layers == null ? List.of() : List.copyOf(layers);
  }
}
