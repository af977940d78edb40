package dev.berth.network.linux;

import dev.berth.linux.ThreadResult;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One long-lived platform thread that enters a network namespace once and then runs submitted
 * work there, one piece at a time. setns(2) moves only the calling thread, so work that must
 * happen in a namespace (netlink sockets, libnftables, /proc/sys/net, port reservations) goes
 * through such a thread and not through a pool whose threads may sit elsewhere.
 */
public final class NetnsThread implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(NetnsThread.class.getName());
  private static final Runnable STOP = () -> {};

  private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  /** Guarded by this: once set, nothing more is queued, so no caller waits for work that never runs. */
  private boolean closed;
  /** Guarded by this: what stopped the thread before it was closed, if anything did. */
  private String failure;

  private NetnsThread(String name, Path netns, CompletableFuture<Void> entered) {
    this.thread = new Thread(() -> {
      try {
        if (netns != null) {
          Netns.enter(netns);
        }
        entered.complete(null);
      } catch (Throwable t) {
        entered.completeExceptionally(t);
        return;
      }
      runQueue();
    }, name);
    thread.setDaemon(true);
  }

  /** Starts the thread; in {@code netns} if given, else in the process's own namespace. */
  public static NetnsThread start(String name, Path netns) throws IOException {
    CompletableFuture<Void> entered = new CompletableFuture<>();
    NetnsThread t = new NetnsThread(name, netns, entered);
    t.thread.start();
    try {
      entered.get();
    } catch (ExecutionException e) {
      throw asIOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while entering " + netns, e);
    }
    return t;
  }

  /**
   * Runs {@code work} on the thread and waits for it; its exceptions are rethrown here.
   *
   * @throws IllegalStateException once the thread is closed
   */
  public <T> T call(KernelWork<T> work) throws IOException {
    if (Thread.currentThread() == thread) {
      return work.run();
    }
    CompletableFuture<T> result = new CompletableFuture<>();
    submit(new Work() {
      @Override
      public void run() {
        try {
          result.complete(work.run());
        } catch (Throwable t) {
          result.completeExceptionally(t);
        }
      }

      @Override
      public void refuse(IllegalStateException why) {
        result.completeExceptionally(why);
      }
    });
    return ThreadResult.await(result, thread.getName());
  }

  /**
   * Work queued for the thread. What {@code run} throws ends the thread: it is left in a state
   * (a namespace) the next piece of work does not expect, so the work still queued is refused
   * with the reason instead of run there.
   */
  interface Work extends Runnable {
    /** Tells whoever waits for this work that it will never run. */
    void refuse(IllegalStateException why);
  }

  /**
   * Queues {@code work} for the thread without waiting for it.
   *
   * @throws IllegalStateException once the thread is closed, or stopped by a failure
   */
  synchronized void submit(Work work) {
    if (closed) {
      throw new IllegalStateException(thread.getName() + " is closed and takes no more work"
          + (failure == null ? "" : ": it stopped after " + failure));
    }
    queue.add(work);
  }

  private void runQueue() {
    while (true) {
      Runnable next;
      try {
        next = queue.take();
      } catch (InterruptedException e) {
        return;
      }
      if (next == STOP) {
        return;
      }
      try {
        next.run();
      } catch (Throwable t) {
        stop(t);
        return;
      }
    }
  }

  /** Ends the thread after {@code t}: loudly, and refusing what was queued and what comes. */
  private void stop(Throwable t) {
    LOG.log(Level.SEVERE, thread.getName() + " stops, refusing further work: " + t, t);
    synchronized (this) {
      closed = true;
      failure = t.toString();
    }
    IllegalStateException why = new IllegalStateException(thread.getName() + " stopped after " + t, t);
    for (Runnable r; (r = queue.poll()) != null; ) {
      if (r instanceof Work w) {
        w.refuse(why);
      }
    }
  }

  static IOException asIOException(Throwable t) {
    if (t instanceof IOException io) {
      return io;
    }
    if (t instanceof RuntimeException r) {
      throw r;
    }
    return new IOException(t);
  }

  /** Stops the thread after the work already submitted; later work is refused. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      queue.add(STOP);
    }
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
