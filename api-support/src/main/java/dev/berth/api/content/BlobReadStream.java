package dev.berth.api.content;

import com.google.protobuf.ByteString;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.ReadContentRequest;
import containerd.services.content.v1.ReadContentResponse;
import dev.berth.api.grpc.Errors;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.util.Iterator;

/**
 * One Read call as a stream of bytes. The call starts at once and its first answer is awaited, so
 * a refused read (NOT_FOUND, OUT_OF_RANGE) fails here rather than at the first byte; closing
 * the stream early cancels the call.
 */
final class BlobReadStream extends InputStream {
  private final Context.CancellableContext context;
  private final Iterator<ReadContentResponse> chunks;
  private ByteString current = ByteString.EMPTY;
  private int position;

  BlobReadStream(ContentGrpc.ContentBlockingStub blocking, String digest, long offset) {
    context = Context.current().withCancellation();
    Context previous = context.attach();
    try {
      chunks = blocking.read(ReadContentRequest.newBuilder().setDigest(digest).setOffset(offset).build());
      chunks.hasNext();
    } catch (StatusRuntimeException e) {
      context.cancel(null);
      throw Errors.fromStatus(e);
    } finally {
      context.detach(previous);
    }
  }

  @Override
  public int read() {
    byte[] one = new byte[1];
    return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) {
    if (len == 0) {
      return 0;
    }
    try {
      while (position == current.size()) {
        if (!chunks.hasNext()) {
          return -1;
        }
        current = chunks.next().getData();
        position = 0;
      }
    } catch (StatusRuntimeException e) {
      throw Errors.fromStatus(e);
    }
    int n = Math.min(len, current.size() - position);
    current.copyTo(b, position, off, n);
    position += n;
    return n;
  }

  @Override
  public void close() {
    context.cancel(null);
  }
}
