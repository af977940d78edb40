package dev.berth.api.content;

import com.google.protobuf.Timestamp;
import containerd.services.content.v1.Info;
import containerd.services.content.v1.Status;
import java.time.Instant;

/** Domain values as the containerd API's messages and back: the server sends them, the gRPC store reads them. */
public final class ContentMessages {
  private ContentMessages() {}

  public static Info info(ContentInfo info) {
    return Info.newBuilder()
        .setDigest(info.digest())
        .setSize(info.size())
        .setCreatedAt(timestamp(info.createdAt()))
        .setUpdatedAt(timestamp(info.updatedAt()))
        .putAllLabels(info.labels())
        .build();
  }

  public static ContentInfo info(Info info) {
    return new ContentInfo(info.getDigest(), info.getSize(), instant(info.getCreatedAt()),
        instant(info.getUpdatedAt()), info.getLabelsMap());
  }

  public static Status status(IngestStatus status) {
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

  /** The message's empty expected digest is the domain's null: none declared. */
  public static IngestStatus status(Status status) {
    return new IngestStatus(status.getRef(), status.getOffset(), status.getTotal(),
        status.getExpected().isEmpty() ? null : status.getExpected(),
        instant(status.getStartedAt()), instant(status.getUpdatedAt()));
  }

  public static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }

  public static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }
}
