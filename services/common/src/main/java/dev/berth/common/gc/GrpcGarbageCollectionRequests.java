package dev.berth.common.gc;

import berth.gc.v1.CollectRequest;
import berth.gc.v1.GarbageCollectorGrpc;
import com.google.protobuf.Empty;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.logging.Logger;

/**
 * Asks berthd's collector through {@code berth.gc.v1.GarbageCollector}. A daemon serving a
 * group without the collector has none to ask: the deletion stands, and nothing is collected,
 * which containerd's clients tolerate.
 */
public final class GrpcGarbageCollectionRequests implements GarbageCollectionRequests {
  private static final Logger LOG = Logger.getLogger(GrpcGarbageCollectionRequests.class.getName());
  private final Channel channel;

  public GrpcGarbageCollectionRequests(Channel channel) {
    this.channel = channel;
  }

  @Override
  public void collectNow() {
    try {
      GarbageCollectorGrpc.newBlockingStub(channel).collect(CollectRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      if (!absent(e)) {
        throw Status.fromCode(e.getStatus().getCode())
            .withDescription("deleted, but garbage collection failed: " + e.getStatus().getDescription())
            .asRuntimeException();
      }
      LOG.fine("no garbage collector to ask: " + e.getStatus());
    }
  }

  @Override
  public void collectSoon() {
    // a forked context: the deleting request may end before this call has gone out
    Context.current().fork().run(() -> {
      try {
        GarbageCollectorGrpc.newBlockingStub(channel).schedule(Empty.getDefaultInstance());
      } catch (StatusRuntimeException e) {
        LOG.fine("no garbage collection scheduled: " + e.getStatus());
      }
    });
  }

  private static boolean absent(StatusRuntimeException e) {
    Status.Code code = e.getStatus().getCode();
    return code == Status.Code.UNIMPLEMENTED || code == Status.Code.UNAVAILABLE;
  }
}
