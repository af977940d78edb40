package dev.berth.network.dns;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The one thread that serves every container's resolver sockets: it waits on a selector, runs the
 * tasks other threads hand it (so that only this thread touches the sockets' state), tells each
 * ready socket's {@link Selectable} owner, and sweeps for timeouts every 250 ms.
 */
final class SelectorLoop implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(SelectorLoop.class.getName());
  private static final long SWEEP_MILLIS = 250;

  private final Selector selector;
  private final Thread thread;
  /** How long {@link #close} waits for the thread. */
  private static final long CLOSE_WAIT_MILLIS = 5000;

  private LongConsumer sweep;
  private Consumer<Endpoint> broken;
  private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final ByteBuffer receive = ByteBuffer.allocate(DnsMessage.TCP_LIMIT);
  private volatile boolean closed;

  private SelectorLoop(Selector selector) {
    this.selector = selector;
    this.thread = new Thread(this::loop, "berth-dns");
    thread.setDaemon(true);
  }

  static SelectorLoop open() throws IOException {
    return new SelectorLoop(Selector.open());
  }

  /**
   * Starts the thread, which calls {@code sweep} with the time every 250 ms, and {@code broken}
   * with a container whose socket's owner threw an Error (such as OutOfMemoryError), whose state
   * can no longer be trusted.
   */
  void start(LongConsumer sweep, Consumer<Endpoint> broken) {
    this.sweep = sweep;
    this.broken = broken;
    thread.start();
  }

  /** Registers {@code channel} for {@code ops}; on the loop's thread (or before it starts). */
  SelectionKey register(SelectableChannel channel, int ops, Selectable owner) throws ClosedChannelException {
    return channel.register(selector, ops, owner);
  }

  /** A datagram and who sent it. */
  record Datagram(SocketAddress from, byte[] data) {}

  /** The next datagram waiting on {@code channel}, null if none; on the loop's thread only. */
  Datagram receive(DatagramChannel channel) throws IOException {
    receive.clear();
    SocketAddress from = channel.receive(receive);
    if (from == null) {
      return null;
    }
    byte[] data = new byte[receive.position()];
    receive.flip().get(data);
    return new Datagram(from, data);
  }

  interface IoWork {
    void run() throws IOException;
  }

  /** Runs {@code work} on the loop's thread and waits for it. */
  void call(IoWork work) throws IOException {
    if (closed) {
      throw new IOException("the DNS resolver is closed");
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    tasks.add(() -> {
      try {
        work.run();
        done.complete(null);
      } catch (IOException | RuntimeException e) {
        done.completeExceptionally(e);
      }
    });
    selector.wakeup();
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the DNS thread", e);
    } catch (TimeoutException e) {
      throw new IOException("the DNS thread did not answer within 10s", e);
    }
  }

  /**
   * Has the loop's thread run {@code task} soon, without waiting for it; false (and the task will
   * not run) once the loop is closed.
   */
  boolean execute(Runnable task) {
    if (closed) {
      return false;
    }
    tasks.add(task);
    selector.wakeup();
    return true;
  }

  private void loop() {
    long nextSweep = System.nanoTime();
    while (!closed) {
      try {
        selector.select(SWEEP_MILLIS);
        for (Runnable task; (task = tasks.poll()) != null; ) {
          task.run();
        }
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          handle(key);
        }
        long now = System.nanoTime();
        if (now - nextSweep >= 0) {
          sweep.accept(now);
          nextSweep = now + TimeUnit.MILLISECONDS.toNanos(SWEEP_MILLIS);
        }
      } catch (IOException | RuntimeException | Error e) {
        // whatever went wrong, the other containers are still to be served
        LOG.log(Level.WARNING, "DNS resolver loop: " + e, e);
      }
    }
    for (Runnable task; (task = tasks.poll()) != null; ) {
      task.run();
    }
  }

  /** Serves one ready socket; what goes wrong there stays with its container. */
  private void handle(SelectionKey key) {
    Selectable owner = (Selectable) key.attachment();
    try {
      if (key.isValid()) {
        owner.ready(key);
      }
    } catch (IOException e) {
      owner.failed(e);
    } catch (RuntimeException | Error e) {
      Endpoint endpoint = owner.endpoint();
      String whose = endpoint == null ? "berthd's forwarding socket" : "the resolver of " + endpoint.key;
      LOG.log(Level.SEVERE, "DNS: serving " + whose + " failed: " + e, e);
      if (endpoint != null && e instanceof Error) {
        broken.accept(endpoint);
      }
    }
  }

  /** Stops the thread, once it has run the tasks handed to it, and closes the selector. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    selector.wakeup();
    try {
      thread.join(CLOSE_WAIT_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      // a daemon thread: it ends with berthd; closing the selector below stops its next select
      LOG.warning("the DNS thread did not stop within " + CLOSE_WAIT_MILLIS + " ms; closing its sockets anyway");
    }
    try {
      selector.close();
    } catch (IOException e) {
      LOG.warning("closing the DNS selector: " + e.getMessage());
    }
  }
}
