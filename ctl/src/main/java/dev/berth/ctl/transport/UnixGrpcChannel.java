package dev.berth.ctl.transport;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * A gRPC channel to a Unix socket over the JDK's own socket channel and a small HTTP/2 client
 * ({@link H2Connection}), for berthctl: its first call costs a fraction of Netty's (no event loop,
 * no pooled buffers, no HTTP/2 codec pipeline to load and warm up), which is most of a short
 * command's time. Unary, server-streaming, client-streaming and bidirectional calls, deadlines and
 * cancellation work as on grpc-java's channels; the generated stubs take it as any channel.
 * Messages are never compressed. One connection at a time, opened at the first call and again
 * after berthd closed it.
 */
public final class UnixGrpcChannel extends ManagedChannel {
  private final Path path;
  private H2Connection connection;
  private int openCalls;
  private boolean shutdown;
  private boolean terminated;
  private ExecutorService callbacks;
  private ScheduledExecutorService timer;

  private UnixGrpcChannel(Path path) {
    this.path = path;
  }

  /** A channel to the gRPC server on {@code socket}; it connects at its first call. */
  public static UnixGrpcChannel to(Path socket) {
    return new UnixGrpcChannel(socket);
  }

  /** Connects now, so the first call finds the connection open (a failure is left for that call to report). */
  public void connect() {
    try {
      connection();
    } catch (IOException e) {
      // the first call connects again and reports why it cannot
    }
  }

  Path path() {
    return path;
  }

  /** The open connection, else a new one. */
  synchronized H2Connection connection() throws IOException {
    if (connection == null || !connection.usable()) {
      H2Connection[] opened = new H2Connection[1];
      opened[0] = H2Connection.open(path, () -> connectionClosed(opened[0]));
      connection = opened[0];
    }
    return connection;
  }

  private synchronized void connectionClosed(H2Connection closed) {
    if (connection == closed) {
      connection = null;
    }
  }

  /** Counts a call in; false once the channel is shut down. */
  synchronized boolean callStarted() {
    if (shutdown) {
      return false;
    }
    openCalls++;
    return true;
  }

  synchronized void callClosed() {
    openCalls--;
    if (shutdown && openCalls == 0) {
      terminate();
    }
  }

  /** Where listeners of calls without an executor of their own hear of them. */
  private synchronized ExecutorService callbacks() {
    if (callbacks == null) {
      callbacks = Executors.newCachedThreadPool(daemon("berthctl-grpc-callback"));
    }
    return callbacks;
  }

  /** Runs deadlines. */
  synchronized ScheduledExecutorService timer() {
    if (timer == null) {
      timer = Executors.newSingleThreadScheduledExecutor(daemon("berthctl-grpc-deadline"));
    }
    return timer;
  }

  private static ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  @Override
  public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
    return new H2Call<>(this, method, options, options.getExecutor() != null ? null : callbacks());
  }

  @Override
  public String authority() {
    return "localhost";
  }

  /** New calls fail; the connection closes once the calls open now have ended. */
  @Override
  public synchronized ManagedChannel shutdown() {
    shutdown = true;
    if (openCalls == 0) {
      terminate();
    }
    return this;
  }

  /** As {@link #shutdown()}, and the calls open now end with UNAVAILABLE. */
  @Override
  public ManagedChannel shutdownNow() {
    H2Connection c;
    synchronized (this) {
      shutdown = true;
      c = connection;
    }
    if (c != null) {
      c.close(Status.UNAVAILABLE.withDescription("the channel was shut down"));
    }
    synchronized (this) {
      if (openCalls == 0) {
        terminate();
      }
    }
    return this;
  }

  private void terminate() {
    if (terminated) {
      return;
    }
    terminated = true;
    if (connection != null) {
      connection.close(Status.UNAVAILABLE.withDescription("the channel was shut down"));
      connection = null;
    }
    if (callbacks != null) {
      callbacks.shutdown();
    }
    if (timer != null) {
      timer.shutdownNow();
    }
    notifyAll();
  }

  @Override
  public synchronized boolean isShutdown() {
    return shutdown;
  }

  @Override
  public synchronized boolean isTerminated() {
    return terminated;
  }

  @Override
  public synchronized boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    long end = System.nanoTime() + unit.toNanos(timeout);
    while (!terminated) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }
}
