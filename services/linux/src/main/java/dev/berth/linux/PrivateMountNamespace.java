package dev.berth.linux;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A thread of this process alone in a mount namespace of its own (unshare(CLONE_NEWNS) of that
 * one thread), every mount in it private. What is mounted through {@link #call} is in no other
 * namespace, the host's included, and goes with this one: when {@link #close} ends the thread, or
 * when the process dies, SIGKILL included, so nothing is ever left mounted. Descriptors opened
 * in it stay usable from every thread of the process while it lives.
 */
public final class PrivateMountNamespace implements AutoCloseable {
  private static final int CLONE_NEWNS = 0x00020000;
  private static final Runnable END = () -> { };

  /** Work to do inside the namespace. */
  public interface Work<T> {
    T run() throws IOException;
  }

  private final BlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
  private final Thread thread;

  private PrivateMountNamespace(String name) {
    this.thread = new Thread(this::serve, name);
    thread.setDaemon(true);
  }

  /** Starts the thread and makes its namespace; {@code name} names the thread. */
  public static PrivateMountNamespace create(String name) throws IOException {
    PrivateMountNamespace ns = new PrivateMountNamespace(name);
    CompletableFuture<Void> made = new CompletableFuture<>();
    ns.queue.add(() -> {
      try {
        Syscalls.unshare(CLONE_NEWNS);
        // the copy of a shared mount is its peer: private, so nothing mounted here reaches the host
        Syscalls.mount("", Path.of("/"), "", MountOptions.MS_REC | MountOptions.MS_PRIVATE, null);
        made.complete(null);
      } catch (Throwable t) {
        made.completeExceptionally(t);
      }
    });
    ns.thread.start();
    try {
      ThreadResult.await(made, "a mount namespace of its own");
      return ns;
    } catch (IOException | RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  /** Runs {@code work} on the namespace's thread, and waits for it. */
  public <T> T call(Work<T> work) throws IOException {
    CompletableFuture<T> result = new CompletableFuture<>();
    queue.add(() -> {
      try {
        result.complete(work.run());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    });
    return ThreadResult.await(result, "a mount namespace of its own");
  }

  private void serve() {
    try {
      for (Runnable work = queue.take(); work != END; work = queue.take()) {
        work.run();
      }
    } catch (InterruptedException e) {
      // ended: the namespace goes with the thread
    }
  }

  /**
   * Ends the thread: the namespace goes, every mount in it detached at once; the files of
   * descriptors still open stay readable until those close.
   */
  @Override
  public void close() {
    queue.add(END);
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
