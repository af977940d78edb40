package dev.berth.tasks.io;

import dev.berth.linux.ErrnoException;
import dev.berth.linux.ReadinessWatcher;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads all of berthd's stdio relays share, made when the first relay starts: one watcher
 * that waits on every attach socket and stdin fifo, and a pool that moves the bytes once there
 * are some. A container whose process is quiet costs no thread; the pool's threads end after a
 * minute without work.
 */
final class RelayThreads {
  private static ReadinessWatcher watcher;
  private static ExecutorService pool;

  private RelayThreads() {}

  static synchronized ReadinessWatcher watcher() throws ErrnoException {
    if (watcher == null) {
      watcher = new ReadinessWatcher("berth-io-watcher");
    }
    return watcher;
  }

  static synchronized ExecutorService pool() {
    if (pool == null) {
      AtomicInteger n = new AtomicInteger();
      pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "berth-io-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
    return pool;
  }
}
