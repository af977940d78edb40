package dev.berth.client.images;

import dev.berth.api.grpc.ProtoTimes;
import java.time.Instant;
import java.util.Map;

/** An image record of the Images API: a name for a target (manifest or index), with labels. */
public record Image(String name, Descriptor target, Map<String, String> labels, Instant createdAt,
    Instant updatedAt) {
  public Image {
    labels = Map.copyOf(labels);
  }

  public static Image fromProto(containerd.services.images.v1.Image image) {
    return new Image(image.getName(), Descriptor.fromProto(image.getTarget()), image.getLabelsMap(),
        ProtoTimes.toInstant(image.getCreatedAt()), ProtoTimes.toInstant(image.getUpdatedAt()));
  }

  /**
   * Known by digest alone ({@code REPOSITORY@sha256:…}, what {@code rmi -f} keeps of a
   * container's image): Docker's dangling image, listed with the tag {@code <none>}.
   */
  public boolean dangling() {
    return name.contains("@");
  }

  /** The record to create: name, target and labels (the server sets the times). */
  public containerd.services.images.v1.Image toProto() {
    return containerd.services.images.v1.Image.newBuilder()
        .setName(name)
        .setTarget(target.toProto())
        .putAllLabels(labels)
        .build();
  }
}
