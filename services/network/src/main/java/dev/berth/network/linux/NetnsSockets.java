package dev.berth.network.linux;

import dev.berth.linux.Syscalls;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * One long-lived thread that opens sockets in whichever network namespace each request names, for
 * callers that must not wait (the DNS selector thread) and should not start a thread per socket.
 * A socket belongs to the namespace it was made in for good, so the thread enters the asked
 * namespace, opens the socket and returns to berthd's own namespace before the next request: it
 * runs nothing else, and keeps no container's namespace alive. A thread that could not return
 * stops (see {@link NetnsThread}); the next request starts another in its place, so that one
 * failure does not refuse every later socket until berthd restarts. A start that fails (threads
 * or memory short: the JVM says so with an OutOfMemoryError) is tried once per request, and not
 * again before {@link #RETRY_AFTER_NANOS} have passed: requests meanwhile are refused at once,
 * as the caller must not wait on a loop of starts.
 */
public final class NetnsSockets implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(NetnsSockets.class.getName());
  /** How long after a failed start the next one is tried. */
  static final long RETRY_AFTER_NANOS = 1_000_000_000L;

  /** How the thread is started: {@link NetnsThread#start} in berthd's namespace, or a test's. */
  interface Starter {
    NetnsThread start(String name) throws IOException;
  }

  private final String name;
  private final Starter starter;
  private final LongSupplier nanoTime;
  /** Guarded by this: the thread serving requests; null after it stopped, until the next request. */
  private Maker maker;
  /** Guarded by this: when a start may be tried again after one failed; meaningless before a failure. */
  private long nextStart;
  /** Guarded by this: why the last start failed; null if it did not. */
  private IOException startFailure;
  /** Guarded by this. */
  private boolean closed;

  /** A thread and the descriptor of the namespace it returns to after each socket. */
  private record Maker(NetnsThread thread, int home) {
    static Maker start(String name, Starter starter) throws IOException {
      NetnsThread thread = starter.start(name);
      try {
        return new Maker(thread, thread.call(() -> Syscalls.open(Path.of("/proc/thread-self/ns/net"))));
      } catch (IOException | RuntimeException e) {
        thread.close();
        throw e;
      }
    }

    void close() {
      thread.close();
      Syscalls.close(home);
    }
  }

  private NetnsSockets(String name, Starter starter, LongSupplier nanoTime, Maker maker) {
    this.name = name;
    this.starter = starter;
    this.nanoTime = nanoTime;
    this.maker = maker;
  }

  /** Starts the thread, named {@code name}, in the calling thread's namespace (berthd's own). */
  public static NetnsSockets start(String name) throws IOException {
    Starter starter = n -> NetnsThread.start(n, null);
    return new NetnsSockets(name, starter, System::nanoTime, Maker.start(name, starter));
  }

  /** One whose thread is started by {@code starter} at the first request, with time from {@code nanoTime}. */
  static NetnsSockets startingAtFirstRequest(String name, Starter starter, LongSupplier nanoTime) {
    return new NetnsSockets(name, starter, nanoTime, null);
  }

  /**
   * Opens a socket with {@code open} inside the namespace at {@code netns}, without waiting: the
   * future fails with an {@link IOException} (ENOENT when the namespace is gone) or, once this is
   * closed (or no thread could be started for it), with a {@link RejectedExecutionException}. The
   * future completes once the thread is back in berthd's namespace, so nothing its callbacks do
   * happens in the container's.
   */
  public <T extends Closeable> CompletableFuture<T> open(Path netns, KernelWork<T> open) {
    CompletableFuture<T> socket = new CompletableFuture<>();
    try {
      Maker m = maker();
      try {
        m.thread().submit(work(m, netns, open, socket));
      } catch (IllegalStateException stopped) {
        // the thread stopped after a failure since the last request: this one goes to its successor
        replace(m);
        Maker next = maker();
        next.thread().submit(work(next, netns, open, socket));
      }
    } catch (IOException | IllegalStateException e) {
      socket.completeExceptionally(new RejectedExecutionException(e.getMessage(), e));
    }
    return socket;
  }

  /** The thread serving requests, started anew if the last one stopped. */
  private synchronized Maker maker() throws IOException {
    if (closed) {
      throw new IllegalStateException(name + " is closed and opens no more sockets");
    }
    if (maker != null) {
      return maker;
    }
    long now = nanoTime.getAsLong();
    if (startFailure != null && now - nextStart < 0) {
      throw startFailure;
    }
    try {
      maker = Maker.start(name, starter);
      startFailure = null;
      LOG.info(name + " started again after its thread stopped");
      return maker;
    } catch (IOException | RuntimeException | OutOfMemoryError e) {
      startFailure = new IOException("starting " + name + ": " + e.getMessage() + " (tried again in "
          + RETRY_AFTER_NANOS / 1_000_000 + " ms)", e);
      nextStart = now + RETRY_AFTER_NANOS;
      LOG.warning(startFailure.getMessage());
      throw startFailure;
    }
  }

  /** Lets {@code stopped}, a thread that refused work, go; the next request starts another. */
  private synchronized void replace(Maker stopped) {
    if (maker == stopped) {
      maker = null;
      stopped.close();
    }
  }

  /**
   * Forgets {@code stuck}, whose thread stops as it could not return home, before its caller hears
   * of it: the next request then starts a successor rather than queueing on a thread about to
   * refuse it. The thread ends by itself; only its way home is closed here.
   */
  private synchronized void retire(Maker stuck) {
    if (maker == stuck) {
      maker = null;
      Syscalls.close(stuck.home());
    }
  }

  private <T extends Closeable> NetnsThread.Work work(Maker m, Path netns, KernelWork<T> open,
      CompletableFuture<T> socket) {
    return new NetnsThread.Work() {
      @Override
      public void run() {
        T made = null;
        Throwable error = null;
        try {
          Netns.enter(netns);
          made = open.run();
        } catch (Throwable t) {
          error = t;
        }
        try {
          Syscalls.setns(m.home(), Syscalls.CLONE_NEWNET, "berthd's network namespace");
        } catch (IOException e) {
          closeQuietly(made);
          IllegalStateException stuck = new IllegalStateException("returning to berthd's network namespace after"
              + " opening a socket in " + netns + ": " + e.getMessage(), e);
          retire(m);
          socket.completeExceptionally(new RejectedExecutionException(stuck.getMessage(), stuck));
          // a thread that cannot return must not open sockets where the next caller does not expect them
          throw stuck;
        }
        if (error != null) {
          socket.completeExceptionally(error);
        } else {
          socket.complete(made);
        }
      }

      @Override
      public void refuse(IllegalStateException why) {
        socket.completeExceptionally(new RejectedExecutionException(why.getMessage(), why));
      }
    };
  }

  private static void closeQuietly(Closeable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (IOException e) {
      // the socket is lost either way; the thread's failure is what gets reported
    }
  }

  /** Stops the thread after the sockets asked for already. */
  @Override
  public void close() {
    Maker last;
    synchronized (this) {
      closed = true;
      last = maker;
      maker = null;
    }
    if (last != null) {
      last.close();
    }
  }
}
