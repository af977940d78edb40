package dev.berth.content;

import com.google.protobuf.Empty;
import containerd.services.content.v1.AbortRequest;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.DeleteContentRequest;
import containerd.services.content.v1.InfoRequest;
import containerd.services.content.v1.InfoResponse;
import containerd.services.content.v1.ListContentRequest;
import containerd.services.content.v1.ListContentResponse;
import containerd.services.content.v1.ListStatusesRequest;
import containerd.services.content.v1.ListStatusesResponse;
import containerd.services.content.v1.ReadContentRequest;
import containerd.services.content.v1.ReadContentResponse;
import containerd.services.content.v1.StatusRequest;
import containerd.services.content.v1.StatusResponse;
import containerd.services.content.v1.UpdateRequest;
import containerd.services.content.v1.UpdateResponse;
import containerd.services.content.v1.WriteContentRequest;
import containerd.services.content.v1.WriteContentResponse;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.content.ContentMessages;
import dev.berth.api.content.ContentStore;
import dev.berth.api.content.IngestStatus;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Errors;
import dev.berth.common.grpc.RequestContext;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.util.List;

/**
 * containerd.services.content.v1.Content over a {@link ContentStore}, in the namespace the
 * request's header names. Serve it wrapped with {@code ServiceInterceptors.wrap}.
 */
public final class ContentService extends ContentGrpc.ContentImplBase {
  /** Infos per List response, as containerd batches them. */
  static final int LIST_BATCH = 100;

  private final ContentStore store;

  public ContentService(ContentStore store) {
    this.store = store;
  }

  @Override
  public void info(InfoRequest request, StreamObserver<InfoResponse> responses) {
    ContentInfo info = store.info(RequestContext.namespace(), request.getDigest(), RequestContext.lease());
    responses.onNext(InfoResponse.newBuilder().setInfo(ContentMessages.info(info)).build());
    responses.onCompleted();
  }

  @Override
  public void update(UpdateRequest request, StreamObserver<UpdateResponse> responses) {
    ContentInfo info = store.update(RequestContext.namespace(), request.getInfo().getDigest(),
        request.getInfo().getLabelsMap(), request.getUpdateMask().getPathsList());
    responses.onNext(UpdateResponse.newBuilder().setInfo(ContentMessages.info(info)).build());
    responses.onCompleted();
  }

  @Override
  public void list(ListContentRequest request, StreamObserver<ListContentResponse> responses) {
    List<ContentInfo> infos = store.list(RequestContext.namespace(), Filter.parse(request.getFiltersList()));
    for (int i = 0; i < infos.size(); i += LIST_BATCH) {
      ListContentResponse.Builder batch = ListContentResponse.newBuilder();
      infos.subList(i, Math.min(i + LIST_BATCH, infos.size()))
          .forEach(info -> batch.addInfo(ContentMessages.info(info)));
      responses.onNext(batch.build());
    }
    responses.onCompleted();
  }

  @Override
  public void delete(DeleteContentRequest request, StreamObserver<Empty> responses) {
    store.delete(RequestContext.namespace(), request.getDigest());
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }

  @Override
  public void read(ReadContentRequest request, StreamObserver<ReadContentResponse> responses) {
    if (request.getOffset() < 0 || request.getSize() < 0) {
      throw Errors.invalidArgument("read offset %d and size %d must not be negative",
          request.getOffset(), request.getSize());
    }
    SeekableByteChannel blob = store.open(RequestContext.namespace(), request.getDigest());
    try {
      long size = blob.size();
      if (request.getOffset() > size) {
        throw Errors.outOfRange("read at offset %d is past the end of %s (%d bytes)",
            request.getOffset(), request.getDigest(), size);
      }
      long rest = size - request.getOffset();
      long length = request.getSize() == 0 ? rest : Math.min(request.getSize(), rest);
      BlobStreamer.start(blob, (ServerCallStreamObserver<ReadContentResponse>) responses, request.getOffset(), length);
    } catch (IOException e) {
      closeQuietly(blob, e);
      throw Errors.internal(e, "reading %s: %s", request.getDigest(), e.getMessage());
    } catch (RuntimeException e) {
      closeQuietly(blob, e);
      throw e;
    }
  }

  @Override
  public void status(StatusRequest request, StreamObserver<StatusResponse> responses) {
    IngestStatus status = store.status(RequestContext.namespace(), request.getRef());
    responses.onNext(StatusResponse.newBuilder().setStatus(ContentMessages.status(status)).build());
    responses.onCompleted();
  }

  @Override
  public void listStatuses(ListStatusesRequest request, StreamObserver<ListStatusesResponse> responses) {
    ListStatusesResponse.Builder response = ListStatusesResponse.newBuilder();
    store.listStatuses(RequestContext.namespace(), Filter.parse(request.getFiltersList()))
        .forEach(s -> response.addStatuses(ContentMessages.status(s)));
    responses.onNext(response.build());
    responses.onCompleted();
  }

  @Override
  public StreamObserver<WriteContentRequest> write(StreamObserver<WriteContentResponse> responses) {
    return new WriteSession(store, RequestContext.namespace(), RequestContext.lease(), responses);
  }

  @Override
  public void abort(AbortRequest request, StreamObserver<Empty> responses) {
    store.abort(RequestContext.namespace(), request.getRef());
    responses.onNext(Empty.getDefaultInstance());
    responses.onCompleted();
  }

  private static void closeQuietly(SeekableByteChannel blob, Exception failure) {
    try {
      blob.close();
    } catch (IOException e) {
      failure.addSuppressed(e);
    }
  }
}
