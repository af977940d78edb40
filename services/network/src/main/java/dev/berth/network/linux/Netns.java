package dev.berth.network.linux;

import dev.berth.linux.ErrnoException;
import dev.berth.linux.MountSpec;
import dev.berth.linux.Mounts;
import dev.berth.linux.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Network namespaces: running work inside one, creating one pinned by a bind mount (what
 * {@code ip netns add} does) and removing the pin. Work inside a container's namespace runs on
 * a fresh platform thread that ends with the work, so no thread is ever left in a namespace it
 * should not be in.
 */
public final class Netns {
  private static final Path THREAD_NETNS = Path.of("/proc/thread-self/ns/net");

  private Netns() {}

  /** Moves the calling thread into the namespace at {@code netns}. */
  static void enter(Path netns) throws ErrnoException {
    int fd = Syscalls.open(netns);
    try {
      Syscalls.setns(fd, Syscalls.CLONE_NEWNET, netns.toString());
    } finally {
      Syscalls.close(fd);
    }
  }

  /**
   * Runs {@code work} inside the namespace at {@code netns}. Fails with an {@link ErrnoException}
   * (ENOENT, or EINVAL when the file is not a network namespace) before running anything.
   */
  public static <T> T callIn(Path netns, KernelWork<T> work) throws IOException {
    return onFreshThread("berth-netns " + netns, () -> {
      enter(netns);
      return work.run();
    });
  }

  /**
   * Creates a network namespace and pins it at {@code pin}, a new empty file, then runs
   * {@code work} inside it. The pin keeps the namespace alive without any process in it.
   */
  public static <T> T createPinned(Path pin, KernelWork<T> work) throws IOException {
    Files.createFile(pin);
    try {
      return onFreshThread("berth-netns-create " + pin, () -> {
        Syscalls.unshare(Syscalls.CLONE_NEWNET);
        Mounts.mount(new MountSpec("bind", THREAD_NETNS.toString(), List.of("bind")), pin);
        return work.run();
      });
    } catch (IOException | RuntimeException e) {
      unpin(pin);
      throw e;
    }
  }

  /** Removes a pin: the namespace goes away once no process is in it. Nothing to do if it is gone. */
  public static void unpin(Path pin) throws IOException {
    try {
      Syscalls.unmount(pin, Syscalls.MNT_DETACH);
    } catch (ErrnoException e) {
      if (e.errno() != ErrnoException.EINVAL && e.errno() != ErrnoException.ENOENT) {
        throw e;
      }
    }
    Files.deleteIfExists(pin);
  }

  private static <T> T onFreshThread(String name, KernelWork<T> work) throws IOException {
    CompletableFuture<T> result = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        result.complete(work.run());
      } catch (Throwable t) {
        result.completeExceptionally(t);
      }
    }, name);
    thread.setDaemon(true);
    thread.start();
    try {
      return result.get();
    } catch (ExecutionException e) {
      throw NetnsThread.asIOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while working in " + name, e);
    }
  }
}
