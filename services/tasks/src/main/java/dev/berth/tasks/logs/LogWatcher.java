package dev.berth.tasks.logs;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.logging.Logger;

/**
 * Wakes log followers when their file grows, through inotify on its directory (the JDK's watch
 * service on Linux), and when their task ends. One thread watches for every follower and one
 * runs their reads, so neither the watching nor a task's exit handling waits on a client.
 */
public final class LogWatcher implements Closeable {
  private static final Logger LOG = Logger.getLogger(LogWatcher.class.getName());

  /** A follower's interest in one file, until {@link #cancel}. */
  final class Watch {
    private final WatchKey key;
    private final Path name;
    private final Runnable onChange;

    private Watch(WatchKey key, Path name, Runnable onChange) {
      this.key = key;
      this.name = name;
      this.onChange = onChange;
    }
  }

  private final WatchService service;
  /** Followers by directory; the watch service hands out one key per directory. Guarded by this. */
  private final Map<WatchKey, List<Watch>> watches = new HashMap<>();
  private final ExecutorService reads;
  private final Thread thread;

  public LogWatcher() throws IOException {
    this.service = FileSystems.getDefault().newWatchService();
    this.reads = Executors.newSingleThreadExecutor(r -> daemon(r, "berth-log-reads"));
    this.thread = daemon(this::run, "berth-log-watcher");
    thread.start();
  }

  /** Runs {@code onChange} after each write to (or creation of) {@code file}. */
  synchronized Watch watch(Path file, Runnable onChange) throws IOException {
    WatchKey key = file.getParent().register(service, StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY);
    Watch watch = new Watch(key, file.getFileName(), onChange);
    watches.computeIfAbsent(key, k -> new ArrayList<>()).add(watch);
    return watch;
  }

  /** Runs {@code onEnd} once {@code ended} is done (at once if it is). */
  void whenDone(CompletableFuture<?> ended, Runnable onEnd) {
    ended.whenCompleteAsync((result, error) -> onEnd.run(), reads);
  }

  synchronized void cancel(Watch watch) {
    List<Watch> list = watches.get(watch.key);
    if (list != null && list.remove(watch) && list.isEmpty()) {
      watches.remove(watch.key);
      watch.key.cancel();
    }
  }

  private void run() {
    while (true) {
      WatchKey key;
      try {
        key = service.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      List<WatchEvent<?>> events = key.pollEvents();
      Set<Runnable> woken = new LinkedHashSet<>();
      synchronized (this) {
        for (Watch w : watches.getOrDefault(key, List.of())) {
          for (WatchEvent<?> event : events) {
            // an overflow lost events: whoever watches here looks again
            if (event.kind() == StandardWatchEventKinds.OVERFLOW || w.name.equals(event.context())) {
              woken.add(w.onChange);
            }
          }
        }
        if (!key.reset()) {
          // the directory is gone (the state directory removed); followers end with their task
          watches.remove(key);
        }
      }
      try {
        woken.forEach(reads::execute);
      } catch (RejectedExecutionException e) {
        return;
      }
    }
  }

  @Override
  public void close() throws IOException {
    service.close();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    reads.shutdownNow();
    LOG.fine("log watcher closed");
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
