package dev.berth.gc;

import berth.gc.v1.CollectRequest;
import berth.gc.v1.CollectResponse;
import berth.gc.v1.GarbageCollectorGrpc;
import com.google.protobuf.Empty;
import dev.berth.api.grpc.Errors;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ExecutionException;

/** berth.gc.v1.GarbageCollector over a {@link CollectionScheduler}. */
public final class GarbageCollectorService extends GarbageCollectorGrpc.GarbageCollectorImplBase {
  private final CollectionScheduler scheduler;

  public GarbageCollectorService(CollectionScheduler scheduler) {
    this.scheduler = scheduler;
  }

  @Override
  public void collect(CollectRequest request, StreamObserver<CollectResponse> response) {
    try {
      response.onNext(scheduler.now());
      response.onCompleted();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.unavailable("garbage collection interrupted: berthd is stopping");
    } catch (ExecutionException e) {
      throw Errors.internal(e.getCause(), "garbage collection failed: %s", e.getCause().getMessage());
    }
  }

  @Override
  public void schedule(Empty request, StreamObserver<Empty> response) {
    scheduler.soon();
    response.onNext(Empty.getDefaultInstance());
    response.onCompleted();
  }
}
