package dev.berth.network.linux;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * One long-lived platform thread that enters a network namespace once and then runs submitted
 * work there, one piece at a time. setns(2) moves only the calling thread, so work that must
 * happen in a namespace (netlink sockets, libnftables, /proc/sys/net, port reservations) goes
 * through such a thread and not through a pool whose threads may sit elsewhere.
 */
public final class NetnsThread implements AutoCloseable {
  private static final Runnable STOP = () -> {};

  private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final Thread thread;
  /** Guarded by this: once set, nothing more is queued, so no caller waits for work that never runs. */
  private boolean closed;

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
    FutureTask<T> task = new FutureTask<>(() -> {
      try {
        return work.run();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    submit(task);
    try {
      return task.get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UncheckedIOException u) {
        throw u.getCause();
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IOException(cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + thread.getName(), e);
    }
  }

  /**
   * Queues {@code task} for the thread without waiting for it.
   *
   * @throws IllegalStateException once the thread is closed
   */
  public synchronized void submit(Runnable task) {
    if (closed) {
      throw new IllegalStateException(thread.getName() + " is closed and takes no more work");
    }
    queue.add(task);
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
      next.run();
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
