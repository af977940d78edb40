package dev.berth.restart;

import containerd.events.TaskExit;
import dev.berth.common.time.EpochNanos;
import dev.berth.api.grpc.UnreachableLog;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Carries out containers' restart policies (the label
 * {@link dev.berth.api.labels.ContainerLabels#RESTART_POLICY}), as containerd's restart monitor
 * does, and removes auto-remove containers once they ended, as Docker's daemon does, through the
 * Events, Namespaces, Containers, Tasks and Snapshots APIs only. A task exit event
 * makes it look at the container after a backoff; a sweep every 10 s catches exits whose events
 * were missed; the first sweep, when berthd starts, also brings back containers whose task is
 * gone (a reboot) and {@code always} containers the user had stopped, as Docker does. Each
 * container is looked at by one thread at a time.
 */
public final class RestartMonitor implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(RestartMonitor.class.getName());
  private static final Duration SWEEP_INTERVAL = Duration.ofSeconds(10);
  private static final Duration SWEEP_RETRY = Duration.ofSeconds(1);

  /** Whether a container's look is waiting or under way, and what came in meanwhile. */
  private static final class Slot {
    boolean running;
    Trigger trigger;
    Trigger again;
  }

  private final ScheduledThreadPoolExecutor executor;
  private final ContainerRestarter restarter;
  private final RestartCandidates candidates;
  private final ExitEvents events;
  private final Backoff backoff = new Backoff(Clock.systemUTC());
  private final Map<ContainerKey, Slot> slots = new HashMap<>();
  private final UnreachableLog unreachable = new UnreachableLog(LOG, "restart monitor");
  private boolean closed;
  private volatile boolean startSweepDone;

  /** @param api a channel serving Events, Namespaces, Containers, Tasks and Snapshots (berthd's in-process channel) */
  public RestartMonitor(Channel api) {
    AtomicInteger n = new AtomicInteger();
    this.executor = new ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, "restart-monitor-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    this.restarter = new ContainerRestarter(api);
    this.candidates = new RestartCandidates(api);
    this.events = new ExitEvents(api, new ExitEvents.Listener() {
      @Override
      public void exited(String namespace, TaskExit exit) {
        ContainerKey key = new ContainerKey(namespace, exit.getContainerId());
        Instant at = EpochNanos.toInstant(exit.getExitedAt());
        request(key, Trigger.EXIT, backoff.delay(key, at));
      }

      @Override
      public void resubscribed() {
        submit(() -> sweep(false));
      }
    });
  }

  /**
   * Subscribes to exits, then sweeps with berthd-start rules in the background (again every
   * second until the APIs answer). Call once berthd serves the APIs.
   */
  public void start() {
    events.subscribe();
    submit(this::sweepLoop);
    LOG.info("restart monitor started");
  }

  private void sweepLoop() {
    boolean swept = sweep(!startSweepDone);
    if (swept) {
      startSweepDone = true;
    }
    schedule(this::sweepLoop, swept ? SWEEP_INTERVAL : SWEEP_RETRY);
  }

  /** Asks for a look at every container whose task has ended; false when the APIs did not answer. */
  private boolean sweep(boolean daemonStart) {
    try {
      for (ContainerKey key : candidates.find(daemonStart)) {
        if (daemonStart) {
          request(key, Trigger.DAEMON_START, Duration.ZERO);
        } else {
          request(key, Trigger.EXIT, backoff.delay(key, Instant.now()));
        }
      }
      unreachable.reached();
      return true;
    } catch (StatusRuntimeException e) {
      // a metadata group down (split berthd) fails every second's retry: one line for all of them
      if (!unreachable.failed("listing containers and tasks", e)) {
        LOG.warning("restart monitor: cannot list containers and tasks: " + e.getStatus());
      }
      return false;
    }
  }

  private synchronized void request(ContainerKey key, Trigger trigger, Duration delay) {
    if (closed) {
      return;
    }
    Slot slot = slots.get(key);
    if (slot != null) {
      // a look is pending (it will see the latest state) or running (one more after it)
      if (slot.running) {
        slot.again = trigger.or(slot.again);
      } else {
        slot.trigger = trigger.or(slot.trigger);
      }
      return;
    }
    slot = new Slot();
    slot.trigger = trigger;
    slots.put(key, slot);
    schedule(() -> look(key), delay);
  }

  private void look(ContainerKey key) {
    Trigger trigger;
    synchronized (this) {
      Slot slot = slots.get(key);
      slot.running = true;
      trigger = slot.trigger;
    }
    Trigger again = null;
    try {
      switch (restarter.evaluate(key, trigger)) {
        case RESTARTED -> backoff.restarted(key);
        case FAILED -> {
          backoff.failed(key);
          again = Trigger.RETRY;
        }
        case GONE, REMOVED, STOPPED -> backoff.forget(key);
        case LEFT_ALONE -> { }
      }
    } catch (StatusRuntimeException e) {
      // an API that did not answer: look again later, for the same reason
      LOG.warning("restart monitor: cannot look at " + key + ", trying again: " + e.getStatus());
      backoff.failed(key);
      again = trigger;
    } catch (RuntimeException e) {
      LOG.log(Level.WARNING, "restart monitor: looking at " + key, e);
    }
    Trigger next;
    synchronized (this) {
      Slot slot = slots.remove(key);
      next = slot.again == null ? again : slot.again.or(again);
    }
    if (next != null) {
      request(key, next, backoff.delay(key, Instant.now()));
    }
  }

  private void submit(Runnable task) {
    schedule(task, Duration.ZERO);
  }

  private void schedule(Runnable task, Duration delay) {
    try {
      executor.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closed meanwhile
    }
  }

  /** Stops watching; a restart under way is interrupted. Containers keep running. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    events.close();
    executor.shutdownNow();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        LOG.warning("restart monitor: a restart did not finish within 10 s of closing");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    LOG.info("restart monitor stopped");
  }
}
