package dev.berth.api.content;

import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.WriteContentRequest;
import containerd.services.content.v1.WriteContentResponse;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.grpc.Errors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One Content.Write call. The server answers every request with one response, in order, so
 * requests are pipelined: the next is sent without waiting for the answer to the last, as long as
 * the data of those unanswered stays within a budget. That keeps the socket busy without letting
 * memory grow with the blob. The first failure ends the call and is thrown from then on.
 */
final class WriteCall {
  /** What the server sent: one answer, the call's failure, or its normal end. */
  private interface Event {}

  private record Answer(WriteContentResponse response) implements Event {}

  private record Failed(StatusRuntimeException status) implements Event {}

  private record Ended() implements Event {}

  /** How long {@link #finish} waits for the server to let go of the ref. */
  private static final long FINISH_SECONDS = 30;

  private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
  private final ClientCallStreamObserver<WriteContentRequest> requests;
  private final long maxOutstandingBytes;
  /** The data size of each request awaiting its answer, oldest first. */
  private final Deque<Integer> outstanding = new ArrayDeque<>();
  private long outstandingBytes;
  private WriteContentResponse lastAnswer;
  private BerthException failure;
  private boolean ended;

  WriteCall(ContentGrpc.ContentStub stub, long maxOutstandingBytes) {
    this.maxOutstandingBytes = maxOutstandingBytes;
    this.requests = (ClientCallStreamObserver<WriteContentRequest>) stub.write(new StreamObserver<>() {
      @Override
      public void onNext(WriteContentResponse response) {
        events.add(new Answer(response));
      }

      @Override
      public void onError(Throwable t) {
        events.add(new Failed(Status.fromThrowable(t).asRuntimeException()));
      }

      @Override
      public void onCompleted() {
        events.add(new Ended());
      }
    });
  }

  /** Sends {@code request} once the data awaiting answers leaves room for it. */
  void send(WriteContentRequest request) {
    checkOpen();
    int size = request.getData().size();
    while (!outstanding.isEmpty() && outstandingBytes + size > maxOutstandingBytes) {
      take();
    }
    requests.onNext(request);
    outstanding.add(size);
    outstandingBytes += size;
  }

  /** Sends {@code request} and returns its answer, once every earlier request is answered. */
  WriteContentResponse call(WriteContentRequest request) {
    send(request);
    return awaitAnswers();
  }

  /** Waits for the answers to every request sent; returns the last answer taken. */
  WriteContentResponse awaitAnswers() {
    checkOpen();
    while (!outstanding.isEmpty()) {
      take();
    }
    return lastAnswer;
  }

  /** The latest answer taken, or null before the first. */
  WriteContentResponse lastAnswer() {
    return lastAnswer;
  }

  /** Whether the call ended, by a failure or by the server (as after a COMMIT). */
  boolean ended() {
    return ended;
  }

  /**
   * Ends the call from this side. With every request answered the stream is half-closed and the
   * server's end awaited, which comes once it has let go of the ref, so a writer may take the ref
   * right after; with answers outstanding (the caller gave up midway) the call is cancelled.
   */
  void finish() {
    if (ended) {
      return;
    }
    ended = true;
    if (!outstanding.isEmpty()) {
      requests.cancel("the writer stopped before its requests were answered", null);
      return;
    }
    requests.onCompleted();
    try {
      events.poll(FINISH_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private WriteContentResponse take() {
    Event event;
    try {
      event = events.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      requests.cancel("interrupted", e);
      throw fail(Errors.unavailable("interrupted while writing content"));
    }
    if (event instanceof Answer a) {
      outstandingBytes -= outstanding.remove();
      lastAnswer = a.response();
      return lastAnswer;
    }
    if (event instanceof Failed f) {
      throw fail(Errors.fromStatus(f.status()));
    }
    throw fail(Errors.internal(null, "the server ended the write before answering every request"));
  }

  private BerthException fail(BerthException e) {
    ended = true;
    failure = e;
    return e;
  }

  /** Throws the failure that ended the call, or FAILED_PRECONDITION if it ended otherwise. */
  void checkOpen() {
    if (failure != null) {
      throw failure;
    }
    if (ended) {
      throw Errors.failedPrecondition("the write has ended");
    }
  }
}
