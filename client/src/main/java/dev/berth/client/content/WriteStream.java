package dev.berth.client.content;

import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.WriteContentRequest;
import containerd.services.content.v1.WriteContentResponse;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One Content.Write call. The protocol answers every request with one response, so requests are
 * pipelined: up to {@code window} may wait for their answers, which keeps the socket busy without
 * letting memory grow with the blob.
 */
public final class WriteStream implements AutoCloseable {
  /** Queued when the server ends the call normally. */
  private static final Object END = new Object();

  private final BlockingQueue<Object> answers = new LinkedBlockingQueue<>();
  private final ClientCallStreamObserver<WriteContentRequest> requests;
  private final int window;
  private final Consumer<WriteContentResponse> onAnswer;
  private int outstanding;
  private boolean ended;

  /** {@code onAnswer} sees every response, in order (progress is counted from them). */
  public WriteStream(ContentGrpc.ContentStub stub, int window, Consumer<WriteContentResponse> onAnswer) {
    this.window = window;
    this.onAnswer = onAnswer;
    this.requests = (ClientCallStreamObserver<WriteContentRequest>) stub.write(
        new StreamObserver<WriteContentResponse>() {
          @Override
          public void onNext(WriteContentResponse response) {
            answers.add(response);
          }

          @Override
          public void onError(Throwable t) {
            answers.add(t);
          }

          @Override
          public void onCompleted() {
            answers.add(END);
          }
        });
  }

  /** Sends {@code request} once fewer than {@code window} requests await their answers. */
  public void send(WriteContentRequest request) {
    while (outstanding >= window) {
      take();
    }
    requests.onNext(request);
    outstanding++;
  }

  /** Sends {@code request} and returns its answer, after the answers to all earlier requests. */
  public WriteContentResponse call(WriteContentRequest request) {
    send(request);
    WriteContentResponse last = null;
    while (outstanding > 0) {
      last = take();
    }
    return last;
  }

  private WriteContentResponse take() {
    Object answer;
    try {
      answer = answers.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    }
    if (answer instanceof Throwable t) {
      ended = true;
      throw Status.fromThrowable(t).asRuntimeException();
    }
    if (answer == END) {
      ended = true;
      throw Status.INTERNAL.withDescription("the server ended the write before answering every request")
          .asRuntimeException();
    }
    WriteContentResponse response = (WriteContentResponse) answer;
    outstanding--;
    onAnswer.accept(response);
    return response;
  }

  /**
   * Ends the call. Once every request is answered the stream is half-closed and the server's end
   * is awaited briefly; otherwise (the client failed midway) the call is cancelled, which leaves
   * the ingest on the server for a later resume.
   */
  @Override
  public void close() {
    if (ended) {
      return;
    }
    if (outstanding > 0) {
      requests.cancel("the client stopped writing", null);
      return;
    }
    requests.onCompleted();
    try {
      answers.poll(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
