package dev.berth.content;

import com.google.protobuf.ByteString;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.WriteAction;
import containerd.services.content.v1.WriteContentRequest;
import containerd.services.content.v1.WriteContentResponse;
import io.grpc.Channel;
import io.grpc.StatusException;
import io.grpc.stub.BlockingClientCall;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** One Write stream driven the way containerd's remote writer does: a request, then its answer. */
final class WriteStream implements AutoCloseable {
  private static final long TIMEOUT_SECONDS = 30;
  private final BlockingClientCall<WriteContentRequest, WriteContentResponse> call;

  WriteStream(Channel channel) {
    this.call = ContentGrpc.newBlockingV2Stub(channel).write();
  }

  WriteContentResponse send(WriteContentRequest request) throws Exception {
    if (!call.write(request, TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      // The server closed the stream; reading brings up its status.
      call.read(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      throw new AssertionError("stream closed without an error");
    }
    WriteContentResponse response = call.read(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (response == null) {
      throw new AssertionError("stream ended without answering " + request.getAction());
    }
    return response;
  }

  WriteContentResponse stat(String ref) throws Exception {
    return send(WriteContentRequest.newBuilder().setAction(WriteAction.STAT).setRef(ref).build());
  }

  WriteContentResponse stat(String ref, long total, String expected) throws Exception {
    return send(WriteContentRequest.newBuilder()
        .setAction(WriteAction.STAT).setRef(ref).setTotal(total).setExpected(expected).build());
  }

  WriteContentResponse write(long offset, byte[] data) throws Exception {
    return send(WriteContentRequest.newBuilder()
        .setAction(WriteAction.WRITE).setOffset(offset).setData(ByteString.copyFrom(data)).build());
  }

  WriteContentResponse commit(long offset, long total, String expected, Map<String, String> labels) throws Exception {
    return send(WriteContentRequest.newBuilder().setAction(WriteAction.COMMIT)
        .setOffset(offset).setTotal(total).setExpected(expected).putAllLabels(labels).build());
  }

  /** After a COMMIT: the server ends the stream successfully. */
  void assertEndedCleanly() throws InterruptedException, StatusException, TimeoutException {
    WriteContentResponse extra = call.read(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    if (extra != null) {
      throw new AssertionError("unexpected answer after the stream should have ended: " + extra);
    }
  }

  /** Drops the stream the way a dying client does. */
  void cancel() {
    call.cancel("client gone", null);
  }

  /**
   * Ends the stream from the client side (as a client does after a STAT) and waits until the
   * server has ended it too, so the ref is free when this returns. A status the stream ended
   * with earlier was already seen by the test.
   */
  @Override
  public void close() throws InterruptedException, TimeoutException {
    try {
      call.halfClose();
      WriteContentResponse unasked;
      do {
        unasked = call.read(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      } while (unasked != null);
    } catch (StatusException | IllegalStateException ended) {
      // the stream had ended already
    }
  }
}
