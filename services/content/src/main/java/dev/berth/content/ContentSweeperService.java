package dev.berth.content;

import berth.gc.v1.ContentSweeperGrpc;
import berth.gc.v1.SweepRequest;
import berth.gc.v1.SweepResponse;
import berth.gc.v1.Swept;
import dev.berth.api.grpc.ProtoTimes;
import dev.berth.common.grpc.RequestContext;
import dev.berth.content.file.FileContentStore;
import io.grpc.stub.StreamObserver;
import java.time.Instant;

/**
 * berth.gc.v1.ContentSweeper: the collector's batched Content.Delete, in the caller's namespace,
 * sparing blobs leased since the collection began.
 */
public final class ContentSweeperService extends ContentSweeperGrpc.ContentSweeperImplBase {
  private final FileContentStore store;

  public ContentSweeperService(FileContentStore store) {
    this.store = store;
  }

  @Override
  public void sweep(SweepRequest request, StreamObserver<SweepResponse> response) {
    SweepResponse.Builder answer = SweepResponse.newBuilder();
    Instant untouchedSince = request.hasUntouchedSince() ? ProtoTimes.toInstant(request.getUntouchedSince())
        : Instant.EPOCH;
    store.sweep(RequestContext.namespace(), request.getIdsList(), untouchedSince)
        .forEach(i -> answer.addSwept(Swept.newBuilder().setId(i.digest()).setSize(i.size())));
    response.onNext(answer.build());
    response.onCompleted();
  }
}
