package dev.berth.api.content;

import com.google.protobuf.FieldMask;
import containerd.services.content.v1.AbortRequest;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.DeleteContentRequest;
import containerd.services.content.v1.Info;
import containerd.services.content.v1.InfoRequest;
import containerd.services.content.v1.ListContentRequest;
import containerd.services.content.v1.ListStatusesRequest;
import containerd.services.content.v1.StatusRequest;
import containerd.services.content.v1.UpdateRequest;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Channels;
import dev.berth.api.grpc.Errors;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A {@link ContentStore} served by berthd (or containerd) through the Content API: the same
 * answers and the same errors, their status codes carried back as {@link
 * dev.berth.api.grpc.BerthException}s. Each call sends the namespace (and a writer's lease) it is
 * given; a null namespace or lease sends none, leaving the one {@code channel} carries, as a client
 * whose channel is bound to a namespace (and lease) does.
 *
 * <p>It lives beside the interface rather than in the client library because the services reach
 * each other through it too (the Diff service reads and writes layers with it).
 */
public final class GrpcContentStore implements ContentStore {
  /** Data sent but not yet answered on one write; 8 MiB keeps a Unix socket busy. */
  public static final long MAX_OUTSTANDING_BYTES = 8L << 20;

  private final Channel channel;
  private final long maxOutstandingBytes;

  public GrpcContentStore(Channel channel) {
    this(channel, MAX_OUTSTANDING_BYTES);
  }

  public GrpcContentStore(Channel channel, long maxOutstandingBytes) {
    this.channel = channel;
    this.maxOutstandingBytes = maxOutstandingBytes;
  }

  @Override
  public ContentInfo info(String namespace, String digest, String lease) {
    Channel ch = inNamespace(namespace);
    if (lease != null) {
      ch = Channels.withLease(ch, lease);
    }
    ContentGrpc.ContentBlockingStub stub = ContentGrpc.newBlockingStub(ch);
    return answer(() -> ContentMessages.info(stub.info(InfoRequest.newBuilder().setDigest(digest).build()).getInfo()));
  }

  @Override
  public ContentInfo update(String namespace, String digest, Map<String, String> labels, List<String> fieldPaths) {
    UpdateRequest request = UpdateRequest.newBuilder()
        .setInfo(Info.newBuilder().setDigest(digest).putAllLabels(labels))
        .setUpdateMask(FieldMask.newBuilder().addAllPaths(fieldPaths))
        .build();
    return answer(() -> ContentMessages.info(blocking(namespace).update(request).getInfo()));
  }

  @Override
  public List<ContentInfo> list(String namespace, Filter filter) {
    ListContentRequest request = ListContentRequest.newBuilder().addAllFilters(filter.sources()).build();
    return answer(() -> {
      List<ContentInfo> infos = new ArrayList<>();
      blocking(namespace).list(request)
          .forEachRemaining(batch -> batch.getInfoList().forEach(i -> infos.add(ContentMessages.info(i))));
      return infos;
    });
  }

  @Override
  public void delete(String namespace, String digest) {
    answer(() -> blocking(namespace).delete(DeleteContentRequest.newBuilder().setDigest(digest).build()));
  }

  @Override
  public SeekableByteChannel open(String namespace, String digest) {
    return new RemoteBlobChannel(blocking(namespace), digest, info(namespace, digest).size());
  }

  /** One Read call from {@code offset}, without first asking for the blob's size. */
  @Override
  public InputStream read(String namespace, String digest, long offset) {
    return new BlobReadStream(blocking(namespace), digest, offset);
  }

  @Override
  public IngestStatus status(String namespace, String ref) {
    return answer(() -> ContentMessages.status(
        blocking(namespace).status(StatusRequest.newBuilder().setRef(ref).build()).getStatus()));
  }

  @Override
  public List<IngestStatus> listStatuses(String namespace, Filter filter) {
    ListStatusesRequest request = ListStatusesRequest.newBuilder().addAllFilters(filter.sources()).build();
    return answer(() -> blocking(namespace).listStatuses(request).getStatusesList().stream()
        .map(ContentMessages::status).toList());
  }

  @Override
  public void abort(String namespace, String ref) {
    answer(() -> blocking(namespace).abort(AbortRequest.newBuilder().setRef(ref).build()));
  }

  @Override
  public ContentWriter writer(String namespace, String ref, String lease) {
    Channel ch = inNamespace(namespace);
    if (lease != null) {
      ch = Channels.withLease(ch, lease);
    }
    return GrpcContentWriter.open(ContentGrpc.newStub(ch), ContentGrpc.newBlockingStub(ch), ref, maxOutstandingBytes);
  }

  private ContentGrpc.ContentBlockingStub blocking(String namespace) {
    return ContentGrpc.newBlockingStub(inNamespace(namespace));
  }

  private Channel inNamespace(String namespace) {
    return namespace == null ? channel : Channels.inNamespace(channel, namespace);
  }

  private static <T> T answer(Supplier<T> call) {
    try {
      return call.get();
    } catch (StatusRuntimeException e) {
      throw Errors.fromStatus(e);
    }
  }
}
