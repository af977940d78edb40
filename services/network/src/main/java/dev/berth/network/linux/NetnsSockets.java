package dev.berth.network.linux;

import dev.berth.linux.Syscalls;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

/**
 * One long-lived thread that opens sockets in whichever network namespace each request names, for
 * callers that must not wait (the DNS selector thread) and should not start a thread per socket.
 * A socket belongs to the namespace it was made in for good, so the thread enters the asked
 * namespace, opens the socket and returns to berthd's own namespace before the next request: it
 * runs nothing else, and keeps no container's namespace alive.
 */
public final class NetnsSockets implements AutoCloseable {
  private final NetnsThread thread;
  private final int home;

  private NetnsSockets(NetnsThread thread, int home) {
    this.thread = thread;
    this.home = home;
  }

  /** Starts the thread, named {@code name}, in the process's own namespace. */
  public static NetnsSockets start(String name) throws IOException {
    NetnsThread thread = NetnsThread.start(name, null);
    try {
      return new NetnsSockets(thread, thread.call(() -> Syscalls.open(Path.of("/proc/thread-self/ns/net"))));
    } catch (IOException | RuntimeException e) {
      thread.close();
      throw e;
    }
  }

  /**
   * Opens a socket with {@code open} inside the namespace at {@code netns}, without waiting: the
   * future fails with an {@link IOException} (ENOENT when the namespace is gone) or, once this is
   * closed (or its thread stopped), with a {@link RejectedExecutionException}. The future completes
   * once the thread is back in berthd's namespace, so nothing its callbacks do happens in the
   * container's.
   */
  public <T extends Closeable> CompletableFuture<T> open(Path netns, KernelWork<T> open) {
    CompletableFuture<T> socket = new CompletableFuture<>();
    try {
      thread.submit(new NetnsThread.Work() {
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
            goHome();
          } catch (IOException e) {
            closeQuietly(made);
            IllegalStateException stuck = new IllegalStateException("returning to berthd's network namespace after"
                + " opening a socket in " + netns + ": " + e.getMessage(), e);
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
      });
    } catch (IllegalStateException e) {
      socket.completeExceptionally(new RejectedExecutionException(e.getMessage(), e));
    }
    return socket;
  }

  private void goHome() throws IOException {
    Syscalls.setns(home, Syscalls.CLONE_NEWNET, "berthd's network namespace");
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
    thread.close();
    Syscalls.close(home);
  }
}
