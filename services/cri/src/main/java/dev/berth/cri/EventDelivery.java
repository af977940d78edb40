package dev.berth.cri;

import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import runtime.v1.ContainerEventResponse;

/**
 * One GetContainerEvents call's delivery: the work that builds its events runs in order on one
 * thread of its own, and each event waits there until the client's transport takes it (flow
 * control), so a client that reads slowly holds up its own stream alone. At most {@code backlog}
 * pieces of work may wait: one more ends the stream with ABORTED, which the kubelet answers by
 * listing again and calling again, instead of the stream growing without bound or dropping events
 * unsaid. The stream ends once, whichever way: the client going away, an error, its completion.
 */
final class EventDelivery {
  private static final Logger LOG = Logger.getLogger(EventDelivery.class.getName());

  private final ServerCallStreamObserver<ContainerEventResponse> downstream;
  private final int backlog;
  private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "cri-events");
    t.setDaemon(true);
    return t;
  });
  private final AtomicInteger waiting = new AtomicInteger();
  private final AtomicBoolean ended = new AtomicBoolean();
  /** Guarded by {@code this}; run by whoever ends the stream, or at once once it has ended. */
  private final List<Runnable> whenEnded = new ArrayList<>();
  private final Object readiness = new Object();

  /** Must be made while the call's method runs: it sets the call's handlers. */
  EventDelivery(ServerCallStreamObserver<ContainerEventResponse> downstream, int backlog) {
    this.downstream = downstream;
    this.backlog = backlog;
    downstream.setOnReadyHandler(() -> {
      synchronized (readiness) {
        readiness.notifyAll();
      }
    });
    downstream.setOnCancelHandler(() -> end(() -> { }));
  }

  /**
   * Runs {@code cleanUp} once the stream has ended; at once if it has, or if the client has gone
   * (a client gone while the call's method runs is told to the cancel handler only after it).
   */
  void whenEnded(Runnable cleanUp) {
    if (downstream.isCancelled()) {
      end(() -> { });
    }
    synchronized (this) {
      if (!ended.get()) {
        whenEnded.add(cleanUp);
        return;
      }
    }
    cleanUp.run();
  }

  boolean ended() {
    return ended.get() || downstream.isCancelled();
  }

  /**
   * Runs {@code work} on the stream's thread, after the work given before; nothing once the stream
   * has ended. Called from any thread (one telling every subscriber a pod's event must not fail
   * for this one): too much work waiting ends the stream with ABORTED.
   */
  void run(Runnable work) {
    if (ended.get()) {
      return;
    }
    if (waiting.incrementAndGet() > backlog) {
      fail(Status.ABORTED.withDescription("GetContainerEvents fell " + backlog + " events behind and stopped"
          + " following them: list the pods and containers again, then call GetContainerEvents again"));
      return;
    }
    try {
      worker.execute(() -> {
        try {
          if (!ended()) {
            work.run();
          }
        } finally {
          waiting.decrementAndGet();
        }
      });
    } catch (RejectedExecutionException gone) {
      // the stream ended meanwhile: nothing to send to
    }
  }

  /** On the stream's thread: sends {@code event} once the client's transport takes more. */
  void send(ContainerEventResponse event) {
    synchronized (readiness) {
      while (!downstream.isReady() && !ended()) {
        try {
          readiness.wait();
        } catch (InterruptedException e) {
          // the stream ended: its thread is being stopped
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    synchronized (downstream) {
      if (!ended()) {
        downstream.onNext(event);
      }
    }
  }

  /** Ends the stream with {@code status}, unless it has ended. */
  void fail(Status status) {
    end(() -> downstream.onError(status.asRuntimeException()));
  }

  /**
   * Ends the stream without a word to the client, unless it has ended: the call's method answers
   * it (with the exception it throws).
   */
  void abandon() {
    end(() -> { });
  }

  /** Ends the stream as completed, unless it has ended. */
  void complete() {
    end(downstream::onCompleted);
  }

  private void end(Runnable last) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    synchronized (downstream) {
      if (!downstream.isCancelled()) {
        try {
          last.run();
        } catch (RuntimeException e) {
          LOG.fine(() -> "ending a GetContainerEvents stream: " + e);
        }
      }
    }
    List<Runnable> cleanUps;
    synchronized (this) {
      cleanUps = List.copyOf(whenEnded);
      whenEnded.clear();
    }
    for (Runnable cleanUp : cleanUps) {
      try {
        cleanUp.run();
      } catch (RuntimeException e) {
        LOG.warning("cleaning up after a GetContainerEvents stream: " + e);
      }
    }
    // wakes a send waiting for the transport
    worker.shutdownNow();
  }
}
