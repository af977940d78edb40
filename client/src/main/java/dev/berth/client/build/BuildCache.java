package dev.berth.client.build;

import com.fasterxml.jackson.databind.JsonNode;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.Info;
import containerd.services.content.v1.ListContentRequest;
import dev.berth.api.Digests;
import dev.berth.api.content.Blobs;
import dev.berth.api.labels.GcLabels;
import dev.berth.client.images.Descriptor;
import dev.berth.client.images.OciJson;
import io.grpc.Channel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The legacy builder's cache, kept in the content store: the manifest a step made is labelled with
 * the step's key (its parent image's id and its {@code created_by}, which names the instruction,
 * the values it substituted, RUN's build args and COPY's content hash) and as a root for the
 * garbage collector, which then keeps its config and layers too. A later build whose step has the
 * same key takes that manifest instead of running the step. Berth keeps no unnamed images: these
 * entries are no images, and {@code system prune} drops them ({@link #forgetAll}).
 */
public final class BuildCache {
  /** The label naming a cached step's key. */
  public static final String LABEL = "berth.build.cache";
  private static final long MAX_MANIFEST_BYTES = 4 << 20;

  private final Channel channel;
  private final Blobs blobs;

  public BuildCache(Channel channel) {
    this.channel = channel;
    this.blobs = Blobs.on(channel);
  }

  /** What a cached step made: its manifest, config and layers. */
  record Entry(Descriptor manifest, byte[] config, List<Descriptor> layers) {}

  static String key(String parentId, String createdBy) {
    return Digests.sha256((parentId + "\n" + createdBy).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * The step of this key made before, if its manifest, config and layers are all still there;
   * of several (a {@code --no-cache} build, or another context, made the step again), the one
   * made last, as Docker's legacy builder takes the most recently created of its matching images.
   */
  Optional<Entry> find(String key) {
    List<String> digests = new ArrayList<>();
    ContentGrpc.newBlockingStub(channel).list(ListContentRequest.newBuilder()
        .addFilters("labels.\"" + LABEL + "\"==\"" + key + "\"").build())
        .forEachRemaining(r -> r.getInfoList().forEach(i -> digests.add(i.getDigest())));
    Entry latest = null;
    Instant latestCreated = null;
    for (String digest : digests) {
      Optional<Entry> entry = whole(digest);
      Optional<Instant> created = entry.flatMap(BuildCache::created);
      // as Docker's, an image without a creation time is never the match
      if (created.isPresent() && (latestCreated == null || created.get().isAfter(latestCreated))) {
        latest = entry.get();
        latestCreated = created.get();
      }
    }
    return Optional.ofNullable(latest);
  }

  /** The entry whose manifest is {@code digest}, unless the collector took part of it. */
  private Optional<Entry> whole(String digest) {
    try {
      byte[] bytes = blobs.read(digest, MAX_MANIFEST_BYTES);
      JsonNode manifest = OciJson.tree(bytes, "cached manifest " + digest);
      List<Descriptor> layers = new ArrayList<>();
      for (JsonNode l : manifest.path("layers")) {
        layers.add(descriptor(l));
        if (blobs.info(l.path("digest").asText()).isEmpty()) {
          throw new IllegalStateException("layer gone");
        }
      }
      byte[] config = blobs.read(manifest.path("config").path("digest").asText(), MAX_MANIFEST_BYTES);
      return Optional.of(new Entry(Descriptor.of(manifest.path("mediaType").asText(), digest, bytes.length), config,
          layers));
    } catch (RuntimeException e) {
      // an entry the collector took in part is no entry: the step runs again
      return Optional.empty();
    }
  }

  /** When the entry's image was made: its config's {@code created}, if it has a readable one. */
  private static Optional<Instant> created(Entry entry) {
    try {
      return Optional.of(OffsetDateTime.parse(OciJson.tree(entry.config(), "cached config").path("created").asText())
          .toInstant());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Keeps {@code manifest} as the result of the step of this key. */
  void keep(Descriptor manifest, String key) {
    blobs.label(manifest.digest(), Map.of(LABEL, key, GcLabels.ROOT, Instant.now().toString()));
  }

  /** Drops every cached step, for the garbage collector to take; returns their manifests' digests. */
  public List<String> forgetAll() {
    List<String> digests = new ArrayList<>();
    ContentGrpc.newBlockingStub(channel).list(ListContentRequest.newBuilder()
        .addFilters("labels.\"" + LABEL + "\"").build())
        .forEachRemaining(r -> r.getInfoList().stream().map(Info::getDigest).forEach(digests::add));
    for (String digest : digests) {
      blobs.label(digest, Map.of(LABEL, "", GcLabels.ROOT, ""));
    }
    return digests;
  }

  private static Descriptor descriptor(JsonNode d) {
    return Descriptor.of(d.path("mediaType").asText(), d.path("digest").asText(), d.path("size").asLong());
  }
}
