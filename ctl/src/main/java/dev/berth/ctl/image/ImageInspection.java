package dev.berth.ctl.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.ClientException;
import dev.berth.client.images.Image;
import dev.berth.client.images.ImageClient;
import dev.berth.client.images.ImageNames;
import dev.berth.client.images.ImportOptions;
import dev.berth.ctl.output.Json;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * An image as {@code docker image inspect} shows it with Docker's containerd image store: Id (the
 * target's digest), RepoTags, RepoDigests, Created, Author, Config, Architecture, Os, Size,
 * GraphDriver, RootFS and Metadata, from the record and the config blob for this platform (its
 * run settings as Docker's container Config: {@link DockerImageConfig}).
 */
public final class ImageInspection {
  private ImageInspection() {}

  /** The image {@code name} names, or Docker's "No such image: NAME:latest". */
  public static Image resolve(ImageClient client, String name) {
    return NoSuchImage.naming(name, () -> client.resolve(name));
  }

  /**
   * @param all every image record of the namespace: the other names of the same image are its
   *     RepoTags
   */
  public static ObjectNode of(ImageClient client, Image image, List<Image> all) {
    ObjectNode json = Json.mapper().createObjectNode();
    String id = image.target().digest();
    json.put("Id", id);
    Set<String> tags = new TreeSet<>();
    Set<String> digests = new TreeSet<>();
    for (Image other : all) {
      if (!other.target().digest().equals(id)) {
        continue;
      }
      if (!other.dangling()) {
        tags.add(ImageNames.familiar(other.name()));
      }
      if (ImageNames.isValid(other.name())) {
        // short as Docker shows them: busybox@sha256:…, not docker.io/library/busybox@sha256:…
        digests.add(ImageNames.familiar(ImageNames.repository(ImageNames.normalize(other.name())) + "@" + id));
      }
    }
    ArrayNode repoTags = json.putArray("RepoTags");
    tags.forEach(repoTags::add);
    ArrayNode repoDigests = json.putArray("RepoDigests");
    digests.forEach(repoDigests::add);
    JsonNode config = config(client, image);
    json.put("Parent", "");
    json.put("Comment", config.path("comment").asText(""));
    json.put("Created", config.path("created").asText(""));
    json.put("DockerVersion", config.path("docker_version").asText(""));
    json.put("Author", config.path("author").asText(""));
    json.set("Config", DockerImageConfig.of(config.path("config")));
    json.put("Architecture", config.path("architecture").asText(""));
    if (config.hasNonNull("variant")) {
      json.put("Variant", config.get("variant").asText());
    }
    json.put("Os", config.path("os").asText(""));
    try {
      json.put("Size", client.content(image).size());
    } catch (ClientException | StatusRuntimeException e) {
      json.put("Size", 0);
    }
    // as Docker's containerd image store shows it: the snapshotter, without directories (an
    // image's unpacked layers are committed snapshots, which have no mounts to read them from)
    ObjectNode graphDriver = json.putObject("GraphDriver");
    graphDriver.putNull("Data");
    graphDriver.put("Name", ImportOptions.DEFAULT_SNAPSHOTTER);
    ObjectNode rootfs = json.putObject("RootFS");
    rootfs.put("Type", config.path("rootfs").path("type").asText("layers"));
    rootfs.set("Layers", config.path("rootfs").path("diff_ids").isArray() ? config.path("rootfs").get("diff_ids")
        : json.arrayNode());
    json.putObject("Metadata").put("LastTagTime", image.updatedAt().toString());
    return json;
  }

  private static JsonNode config(ImageClient client, Image image) {
    try {
      return Json.mapper().readTree(client.configBlob(image));
    } catch (IOException | ClientException | StatusRuntimeException e) {
      // an image whose content is not all here still has a name and an id to show
      return Json.mapper().createObjectNode();
    }
  }
}
