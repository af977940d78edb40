package dev.berth.content;

import containerd.services.content.v1.Info;
import containerd.services.content.v1.Status;
import dev.berth.common.time.EpochNanos;

/** Domain values as the containerd API's messages. */
final class ContentMessages {
  private ContentMessages() {}

  static Info info(ContentInfo info) {
    return Info.newBuilder()
        .setDigest(info.digest())
        .setSize(info.size())
        .setCreatedAt(EpochNanos.toTimestamp(info.createdAt()))
        .setUpdatedAt(EpochNanos.toTimestamp(info.updatedAt()))
        .putAllLabels(info.labels())
        .build();
  }

  static Status status(IngestStatus status) {
    Status.Builder b = Status.newBuilder()
        .setRef(status.ref())
        .setOffset(status.offset())
        .setTotal(status.total())
        .setStartedAt(EpochNanos.toTimestamp(status.startedAt()))
        .setUpdatedAt(EpochNanos.toTimestamp(status.updatedAt()));
    if (status.expected() != null) {
      b.setExpected(status.expected());
    }
    return b.build();
  }
}
