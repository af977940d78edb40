package dev.berth.client.containers;

import berth.attach.v1.AttachGrpc;
import berth.attach.v1.AttachInput;
import berth.attach.v1.AttachOutput;
import com.google.protobuf.ByteString;
import dev.berth.client.ClientException;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * A client joined to a running process's stdio after its start ({@code docker attach}), over
 * Berth's Attach API: output is written to the given streams as it comes, stdin is sent when the
 * process takes it (it was created with open stdin), and detaching leaves the process running.
 */
public final class ProcessAttachment implements AutoCloseable {
  private final CompletableFuture<berth.attach.v1.Attached> attached = new CompletableFuture<>();
  private final CompletableFuture<Void> ended = new CompletableFuture<>();
  private final Object sending = new Object();
  private ClientCallStreamObserver<AttachInput> requests;

  private ProcessAttachment() {}

  /**
   * Attaches to the init process ({@code execId} empty) or an exec of container {@code id};
   * returns once berthd has joined it. NOT_FOUND and FAILED_PRECONDITION (not running) come as
   * {@link StatusRuntimeException}.
   */
  public static ProcessAttachment open(Channel channel, String id, String execId, boolean stdin, OutputStream out,
      OutputStream err) throws InterruptedException {
    ProcessAttachment a = new ProcessAttachment();
    AttachGrpc.newStub(channel).attach(a.new Responses(out, err));
    a.send(AttachInput.newBuilder().setContainerId(id).setExecId(execId).setStdin(stdin).build());
    try {
      a.attached.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StatusRuntimeException s ? s : new ClientException(e.getCause().toString(), e);
    }
    return a;
  }

  /** Whether the process has a terminal. */
  public boolean terminal() {
    return attached.join().getTerminal();
  }

  /** Whether stdin sent reaches the process. */
  public boolean stdin() {
    return attached.join().getStdin();
  }

  /** Sends stdin bytes, waiting while berthd cannot take more. */
  public void write(byte[] data, int offset, int length) throws InterruptedException {
    send(AttachInput.newBuilder().setData(ByteString.copyFrom(data, offset, length)).build());
  }

  /** No more stdin from this client; the process's stdin stays open for the next one. */
  public void endInput() {
    synchronized (sending) {
      if (!ended.isDone()) {
        requests.onCompleted();
      }
    }
  }

  /** Completes once the process ended and its output was written; exceptionally if the stream failed. */
  public CompletableFuture<Void> ended() {
    return ended;
  }

  /** Leaves the process running and stops receiving its output. */
  @Override
  public void close() {
    synchronized (sending) {
      if (!ended.isDone()) {
        requests.cancel("detached", null);
      }
    }
  }

  private void send(AttachInput input) throws InterruptedException {
    synchronized (sending) {
      while (!requests.isReady() && !ended.isDone()) {
        sending.wait(100);
      }
      if (!ended.isDone()) {
        requests.onNext(input);
      }
    }
  }

  private final class Responses implements ClientResponseObserver<AttachInput, AttachOutput> {
    private final OutputStream out;
    private final OutputStream err;

    Responses(OutputStream out, OutputStream err) {
      this.out = out;
      this.err = err;
    }

    @Override
    public void beforeStart(ClientCallStreamObserver<AttachInput> stream) {
      requests = stream;
      stream.setOnReadyHandler(() -> {
        synchronized (sending) {
          sending.notifyAll();
        }
      });
    }

    @Override
    public void onNext(AttachOutput message) {
      if (message.hasAttached()) {
        attached.complete(message.getAttached());
        return;
      }
      OutputStream target = "stderr".equals(message.getOutput().getStream()) ? err : out;
      try {
        message.getOutput().getData().writeTo(target);
        target.flush();
      } catch (IOException e) {
        // the terminal or pipe went away: the process's output goes on to its log alone
      }
    }

    @Override
    public void onError(Throwable t) {
      attached.completeExceptionally(t);
      ended.completeExceptionally(t);
      wake();
    }

    @Override
    public void onCompleted() {
      attached.completeExceptionally(new ClientException("berthd ended the attach before joining the process"));
      ended.complete(null);
      wake();
    }

    private void wake() {
      synchronized (sending) {
        sending.notifyAll();
      }
    }
  }
}
