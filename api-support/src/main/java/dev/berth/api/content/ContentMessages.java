package dev.berth.api.content;

import containerd.services.content.v1.Info;
import containerd.services.content.v1.Status;
import dev.berth.api.grpc.ProtoTimes;

/** Domain values as the containerd API's messages and back: the server sends them, the gRPC store reads them. */
public final class ContentMessages {
  private ContentMessages() {}

  public static Info info(ContentInfo info) {
    return Info.newBuilder()
        .setDigest(info.digest())
        .setSize(info.size())
        .setCreatedAt(ProtoTimes.toTimestamp(info.createdAt()))
        .setUpdatedAt(ProtoTimes.toTimestamp(info.updatedAt()))
        .putAllLabels(info.labels())
        .build();
  }

  public static ContentInfo info(Info info) {
    return new ContentInfo(info.getDigest(), info.getSize(), ProtoTimes.toInstant(info.getCreatedAt()),
        ProtoTimes.toInstant(info.getUpdatedAt()), info.getLabelsMap());
  }

  public static Status status(IngestStatus status) {
    Status.Builder b = Status.newBuilder()
        .setRef(status.ref())
        .setOffset(status.offset())
        .setTotal(status.total())
        .setStartedAt(ProtoTimes.toTimestamp(status.startedAt()))
        .setUpdatedAt(ProtoTimes.toTimestamp(status.updatedAt()));
    if (status.expected() != null) {
      b.setExpected(status.expected());
    }
    return b.build();
  }

  /** The message's empty expected digest is the domain's null: none declared. */
  public static IngestStatus status(Status status) {
    return new IngestStatus(status.getRef(), status.getOffset(), status.getTotal(),
        status.getExpected().isEmpty() ? null : status.getExpected(),
        ProtoTimes.toInstant(status.getStartedAt()), ProtoTimes.toInstant(status.getUpdatedAt()));
  }
}
