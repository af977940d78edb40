package dev.berth.tasks;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Notices conmon's {@code exit} and {@code oom} files the moment they appear in a process's
 * persist directory, through inotify (the JDK's watch service on Linux): no polling. One thread
 * serves every process.
 */
final class ExitWatcher implements Closeable {
  private static final Logger LOG = Logger.getLogger(ExitWatcher.class.getName());
  static final String EXIT_FILE = "exit";
  static final String OOM_FILE = "oom";

  /** Told about a watched directory's files; called on the watcher's thread, at most once per file appearance. */
  interface Listener {
    void exitFileAppeared();

    void oomFileAppeared();
  }

  private final WatchService watcher;
  private final Map<WatchKey, Listener> listeners = new ConcurrentHashMap<>();
  private final Thread thread;

  ExitWatcher() throws IOException {
    this.watcher = FileSystems.getDefault().newWatchService();
    this.thread = new Thread(this::run, "berth-exit-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Watches {@code persistDir}, then reports files already there (a process may have ended
   * before the watch began, or while berthd was down).
   */
  WatchKey watch(Path persistDir, Listener listener) throws IOException {
    WatchKey key = persistDir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
    listeners.put(key, listener);
    lookAgain(persistDir, listener);
    return key;
  }

  private static void lookAgain(Path persistDir, Listener listener) {
    if (Files.exists(persistDir.resolve(OOM_FILE))) {
      listener.oomFileAppeared();
    }
    if (Files.exists(persistDir.resolve(EXIT_FILE))) {
      listener.exitFileAppeared();
    }
  }

  void cancel(WatchKey key) {
    if (key != null) {
      listeners.remove(key);
      key.cancel();
    }
  }

  private void run() {
    while (true) {
      WatchKey key;
      try {
        key = watcher.take();
      } catch (InterruptedException | ClosedWatchServiceException e) {
        return;
      }
      Listener listener = listeners.get(key);
      for (WatchEvent<?> event : key.pollEvents()) {
        if (listener != null && event.kind() == StandardWatchEventKinds.OVERFLOW) {
          // the kernel dropped events: the files themselves still tell what happened
          lookAgain((Path) key.watchable(), listener);
          continue;
        }
        if (listener == null || !(event.context() instanceof Path name)) {
          continue;
        }
        try {
          if (name.toString().equals(EXIT_FILE)) {
            listener.exitFileAppeared();
          } else if (name.toString().equals(OOM_FILE)) {
            listener.oomFileAppeared();
          }
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "handling " + name + " failed", e);
        }
      }
      if (!key.reset()) {
        listeners.remove(key);
      }
    }
  }

  @Override
  public void close() throws IOException {
    watcher.close();
    try {
      thread.join(2000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
