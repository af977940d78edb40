package dev.berth.linux;

import com.sun.jna.LastErrorException;
import com.sun.jna.Platform;
import java.io.Closeable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One thread that waits, through epoll, for any number of descriptors to become readable (or
 * hung up, or in error) and then runs what was asked for each: many mostly idle descriptors
 * watched without a blocked thread each. A request holds for one wake-up (EPOLLONESHOT): ask
 * again to go on watching. Callbacks run on the watcher's thread, so they hand their work on and
 * return at once. A callback may come without anything to read (the descriptor number of one
 * closed meanwhile reused by another): whoever reads does so without blocking.
 */
public final class ReadinessWatcher implements Closeable {
  private static final Logger LOG = Logger.getLogger(ReadinessWatcher.class.getName());
  /** EPOLLIN */
  public static final int READABLE = 0x001;
  /** EPOLLERR */
  public static final int ERROR = 0x008;
  /** EPOLLHUP: for a fifo's reader, every writer that came has gone. */
  public static final int HUNG_UP = 0x010;
  private static final int EPOLLONESHOT = 1 << 30;
  private static final int EPOLL_CLOEXEC = 02000000;
  private static final int EPOLL_CTL_ADD = 1;
  private static final int EPOLL_CTL_DEL = 2;
  private static final int EPOLL_CTL_MOD = 3;
  private static final int O_NONBLOCK = 04000;
  /** x86-64 packs struct epoll_event (32-bit events, 64-bit data) into 12 bytes; other ABIs pad the data to 8. */
  private static final int STRIDE = Platform.isIntel() ? 3 : 4;
  private static final int DATA = STRIDE - 2;
  private static final int BATCH = 64;

  /** Told that a watched descriptor is ready, with the epoll events that woke it. */
  public interface Ready {
    void ready(int events);
  }

  private final int epoll;
  /** A pipe whose read end is watched too: a byte in it wakes the thread to end. */
  private final int[] wake = new int[2];
  private final Map<Integer, Ready> waiting = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean closed;

  public ReadinessWatcher(String name) throws ErrnoException {
    try {
      epoll = LibC.epoll_create1(EPOLL_CLOEXEC);
    } catch (LastErrorException e) {
      throw ErrnoException.of("epoll_create1", name, e);
    }
    try {
      LibC.pipe2(wake, Syscalls.O_CLOEXEC | O_NONBLOCK);
      LibC.epoll_ctl(epoll, EPOLL_CTL_ADD, wake[0], event(READABLE, wake[0]));
    } catch (LastErrorException e) {
      Syscalls.close(epoll);
      throw ErrnoException.of("epoll_ctl", name, e);
    }
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /** Runs {@code ready} once {@code fd} is readable, hung up or in error; one wake-up per call. */
  public void whenReadable(int fd, Ready ready) throws ErrnoException {
    waiting.put(fd, ready);
    int[] event = event(READABLE | EPOLLONESHOT, fd);
    try {
      LibC.epoll_ctl(epoll, EPOLL_CTL_MOD, fd, event);
    } catch (LastErrorException notYet) {
      try {
        LibC.epoll_ctl(epoll, EPOLL_CTL_ADD, fd, event);
      } catch (LastErrorException e) {
        waiting.remove(fd, ready);
        throw ErrnoException.of("epoll_ctl", "descriptor " + fd, e);
      }
    }
  }

  /** Stops watching {@code fd}; call it before closing the descriptor. */
  public void forget(int fd) {
    waiting.remove(fd);
    try {
      LibC.epoll_ctl(epoll, EPOLL_CTL_DEL, fd, new int[STRIDE]);
    } catch (LastErrorException e) {
      // never watched, or closed already: closing a descriptor takes it out of the set
    }
  }

  private static int[] event(int events, int fd) {
    int[] event = new int[STRIDE];
    event[0] = events;
    event[DATA] = fd;
    return event;
  }

  private void run() {
    int[] events = new int[BATCH * STRIDE];
    while (!closed) {
      int n;
      try {
        n = LibC.epoll_wait(epoll, events, BATCH, -1);
      } catch (LastErrorException e) {
        if (e.getErrorCode() == ErrnoException.EINTR) {
          continue;
        }
        LOG.severe("readiness watcher " + thread.getName() + " ends: " + ErrnoException.of("epoll_wait", "", e).getMessage());
        return;
      }
      for (int i = 0; i < n; i++) {
        int fd = events[i * STRIDE + DATA];
        Ready ready = fd == wake[0] ? null : waiting.remove(fd);
        if (ready != null) {
          try {
            ready.ready(events[i * STRIDE]);
          } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "handling descriptor " + fd + " failed", e);
          }
        }
      }
    }
  }

  /** Ends the thread; descriptors still watched are left to their owners. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      LibC.write(wake[1], new byte[1], 1);
      thread.join(2000);
    } catch (LastErrorException e) {
      LOG.warning("cannot wake readiness watcher " + thread.getName() + ": " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!thread.isAlive()) {
      Syscalls.close(epoll);
      Syscalls.close(wake[0]);
      Syscalls.close(wake[1]);
    }
  }
}
