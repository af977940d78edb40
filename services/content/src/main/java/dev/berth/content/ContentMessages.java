package dev.berth.content;

import com.google.protobuf.Timestamp;
import containerd.services.content.v1.Info;
import containerd.services.content.v1.Status;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.content.IngestStatus;
import java.time.Instant;

/** Domain values as the containerd API's messages. */
final class ContentMessages {
  private ContentMessages() {}

  static Info info(ContentInfo info) {
    return Info.newBuilder()
        .setDigest(info.digest())
        .setSize(info.size())
        .setCreatedAt(timestamp(info.createdAt()))
        .setUpdatedAt(timestamp(info.updatedAt()))
        .putAllLabels(info.labels())
        .build();
  }

  static Status status(IngestStatus status) {
    Status.Builder b = Status.newBuilder()
        .setRef(status.ref())
        .setOffset(status.offset())
        .setTotal(status.total())
        .setStartedAt(timestamp(status.startedAt()))
        .setUpdatedAt(timestamp(status.updatedAt()));
    if (status.expected() != null) {
      b.setExpected(status.expected());
    }
    return b.build();
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
