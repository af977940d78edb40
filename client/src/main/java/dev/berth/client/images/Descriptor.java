package dev.berth.client.images;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An OCI content descriptor as manifests and indexes carry it; {@link #toProto()} gives the
 * containerd API's (which has no platform or URLs).
 */
@JsonPropertyOrder({"mediaType", "digest", "size", "urls", "annotations", "platform"})
public record Descriptor(
    @JsonProperty("mediaType") String mediaType,
    @JsonProperty("digest") String digest,
    @JsonProperty("size") long size,
    @JsonProperty("urls") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> urls,
    @JsonProperty("annotations") @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> annotations,
    @JsonProperty("platform") @JsonInclude(JsonInclude.Include.NON_NULL) Platform platform) {

  /** Names the image a manifest in an index or archive stands for (containerd's annotation). */
  public static final String IMAGE_NAME_ANNOTATION = "io.containerd.image.name";
  /** The OCI reference name annotation: the tag, or a full name in some tools' layouts. */
  public static final String REF_NAME_ANNOTATION = "org.opencontainers.image.ref.name";

  public Descriptor {
    mediaType = mediaType == null ? "" : mediaType;
    digest = digest == null ? "" : digest;
    urls = urls == null ? List.of() : List.copyOf(urls);
    annotations = annotations == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(annotations));
  }

  public static Descriptor of(String mediaType, String digest, long size) {
    return new Descriptor(mediaType, digest, size, List.of(), Map.of(), null);
  }

  public Descriptor withAnnotations(Map<String, String> annotations) {
    return new Descriptor(mediaType, digest, size, urls, annotations, platform);
  }

  public Descriptor withPlatform(Platform platform) {
    return new Descriptor(mediaType, digest, size, urls, annotations, platform);
  }

  public static Descriptor fromProto(containerd.types.Descriptor d) {
    return new Descriptor(d.getMediaType(), d.getDigest(), d.getSize(), List.of(), d.getAnnotationsMap(), null);
  }

  public containerd.types.Descriptor toProto() {
    return containerd.types.Descriptor.newBuilder()
        .setMediaType(mediaType)
        .setDigest(digest)
        .setSize(size)
        .putAllAnnotations(annotations)
        .build();
  }
}
