package dev.berth.snapshots.diff;

import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.ReadContentRequest;
import containerd.services.content.v1.ReadContentResponse;
import containerd.services.content.v1.WriteAction;
import containerd.services.content.v1.WriteContentRequest;
import containerd.services.content.v1.WriteContentResponse;
import com.google.protobuf.ByteString;
import dev.berth.api.grpc.Channels;
import dev.berth.api.grpc.Errors;
import io.grpc.Channel;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** Reads and writes blobs through the Content service's gRPC API. */
final class ContentClient {
  /** containerd's clients write in 1 MiB chunks. */
  private static final int CHUNK = 1 << 20;

  private final Channel channel;

  ContentClient(Channel channel) {
    this.channel = channel;
  }

  /**
   * The blob's bytes as a stream. Closing it early cancels the read; a failed read surfaces as
   * the Content service's {@link StatusRuntimeException} (e.g. NOT_FOUND).
   */
  InputStream read(String namespace, String digest) {
    Context.CancellableContext context = Context.current().withCancellation();
    Iterator<ReadContentResponse> chunks;
    Context previous = context.attach();
    try {
      chunks = ContentGrpc.newBlockingStub(Channels.inNamespace(channel, namespace))
          .read(ReadContentRequest.newBuilder().setDigest(digest).build());
    } finally {
      context.detach(previous);
    }
    return new InputStream() {
      private ByteString current = ByteString.EMPTY;
      private int position;

      @Override
      public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        while (position == current.size()) {
          if (!chunks.hasNext()) {
            return -1;
          }
          current = chunks.next().getData();
          position = 0;
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
    };
  }

  /**
   * Writes {@code file} as blob {@code digest} under ingest {@code ref}, one chunk at a time
   * (each answered before the next is sent), then commits it with {@code labels}. A blob that
   * is already stored counts as written: content addressing makes it the same bytes.
   */
  void write(String namespace, String lease, String ref, Path file, String digest, long size,
      Map<String, String> labels) throws IOException {
    Channel ch = Channels.inNamespace(channel, namespace);
    if (lease != null) {
      ch = Channels.withLease(ch, lease);
    }
    BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
    StreamObserver<WriteContentRequest> requests = ContentGrpc.newStub(ch).write(new StreamObserver<>() {
      @Override
      public void onNext(WriteContentResponse value) {
        answers.add(value);
      }

      @Override
      public void onError(Throwable t) {
        answers.add(t);
      }

      @Override
      public void onCompleted() {}
    });
    try (InputStream in = Files.newInputStream(file)) {
      long offset = 0;
      byte[] buffer = new byte[CHUNK];
      int n;
      while ((n = in.readNBytes(buffer, 0, CHUNK)) > 0) {
        requests.onNext(WriteContentRequest.newBuilder().setAction(WriteAction.WRITE).setRef(ref)
            .setOffset(offset).setData(ByteString.copyFrom(buffer, 0, n)).build());
        await(answers);
        offset += n;
      }
      requests.onNext(WriteContentRequest.newBuilder().setAction(WriteAction.COMMIT).setRef(ref)
          .setOffset(offset).setTotal(size).setExpected(digest).putAllLabels(labels).build());
      try {
        await(answers);
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) {
          throw e;
        }
      }
      requests.onCompleted();
    } catch (IOException | RuntimeException e) {
      requests.onError(Status.CANCELLED.withDescription("diff write failed").asRuntimeException());
      throw e;
    }
  }

  private static void await(BlockingQueue<Object> answers) {
    Object answer;
    try {
      answer = answers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Errors.unavailable("interrupted while writing content");
    }
    if (answer instanceof Throwable t) {
      throw Errors.toStatus(t);
    }
  }
}
