package dev.berth.restart;

import berth.health.v1.ContainerHealthStatus;
import com.google.protobuf.FieldMask;
import com.google.protobuf.InvalidProtocolBufferException;
import containerd.events.ContainerDelete;
import containerd.events.TaskExit;
import containerd.events.TaskStart;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.GetContainerRequest;
import containerd.services.containers.v1.ListContainersRequest;
import containerd.services.containers.v1.UpdateContainerRequest;
import containerd.services.events.v1.Envelope;
import containerd.services.namespaces.v1.ListNamespacesRequest;
import containerd.services.namespaces.v1.Namespace;
import containerd.services.namespaces.v1.NamespacesGrpc;
import containerd.services.tasks.v1.ListTasksRequest;
import containerd.services.tasks.v1.TasksGrpc;
import containerd.v1.types.Process;
import containerd.v1.types.Status;
import dev.berth.api.events.EventSubscription;
import dev.berth.api.grpc.Channels;
import dev.berth.client.containers.ContainerConfig;
import dev.berth.client.health.HealthState;
import dev.berth.client.health.Healthcheck;
import dev.berth.common.events.EventPublisher;
import dev.berth.common.events.GrpcEventPublisher;
import dev.berth.api.grpc.UnreachableLog;
import io.grpc.Channel;
import io.grpc.StatusRuntimeException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * Runs the health checks of running containers, as Docker's daemon does: a check that the
 * container's {@code Config.Healthcheck} names (berthctl writes it, from the image's HEALTHCHECK
 * and the {@code --health-*} flags) runs every interval from the container's start until its
 * exit, and each verdict goes into the container record's {@link HealthState} for inspect and ps,
 * a changed one also into an event ({@code /containers/health_status}, docker's
 * {@code health_status}). A start makes the state {@code starting} again, with no event. Watches are found from task start and exit
 * events, and by a look at every namespace when berthd starts and whenever the event stream
 * broke; a berthd that restarts carries on from the recorded state.
 */
public final class HealthMonitor implements AutoCloseable {
  private static final Logger LOG = Logger.getLogger(HealthMonitor.class.getName());
  private final UnreachableLog unreachable = new UnreachableLog(LOG, "health monitor");
  private static final long DEADLINE_SECONDS = 30;
  private static final String START = "/tasks/start";
  private static final String EXIT = "/tasks/exit";
  private static final String DELETE = "/containers/delete";
  private static final String MASK = "extensions." + HealthState.EXTENSION;
  /** Docker's {@code health_status} events, in containerd's spelling of topics. */
  static final String HEALTH_STATUS = "/containers/health_status";

  /** A running container's check, and the probe to come. */
  private record Watch(Healthcheck check, Instant started, ScheduledFuture<?> next) {}

  private final Channel api;
  private final EventPublisher publisher;
  private final ScheduledThreadPoolExecutor executor;
  private final EventSubscription events;
  private final Map<ContainerKey, Watch> watches = new ConcurrentHashMap<>();
  /** A failed look waits to try again. */
  private final AtomicBoolean retryPending = new AtomicBoolean();
  private volatile boolean closed;

  /** @param api a channel serving Events, Namespaces, Containers and Tasks (berthd's in-process channel) */
  public HealthMonitor(Channel api) {
    this.api = api;
    this.publisher = new GrpcEventPublisher(api);
    AtomicInteger n = new AtomicInteger();
    this.executor = new ScheduledThreadPoolExecutor(2, r -> {
      Thread t = new Thread(r, "health-monitor-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    executor.setRemoveOnCancelPolicy(true);
    this.events = new EventSubscription("health monitor", api,
        List.of("topic==\"" + START + "\"", "topic==\"" + EXIT + "\"", "topic==\"" + DELETE + "\""),
        new EventSubscription.Listener() {
          @Override
          public void event(Envelope envelope) {
            deliver(envelope);
          }

          @Override
          public void resubscribed() {
            executor.execute(HealthMonitor.this::lookEverywhere);
          }
        });
  }

  /** Subscribes to starts and exits, then finds the running containers to check. Call once berthd serves the APIs. */
  public void start() {
    events.subscribe();
    executor.execute(this::lookEverywhere);
  }

  private void deliver(Envelope envelope) {
    try {
      String ns = envelope.getNamespace();
      switch (envelope.getTopic()) {
        case START -> {
          TaskStart start = TaskStart.parseFrom(envelope.getEvent().getValue());
          executor.execute(() -> started(new ContainerKey(ns, start.getContainerId())));
        }
        case EXIT -> {
          TaskExit exit = TaskExit.parseFrom(envelope.getEvent().getValue());
          if (exit.getId().equals(exit.getContainerId())) {
            unwatch(new ContainerKey(ns, exit.getContainerId()));
          }
        }
        case DELETE -> unwatch(new ContainerKey(ns, ContainerDelete.parseFrom(envelope.getEvent().getValue()).getId()));
        default -> { }
      }
    } catch (InvalidProtocolBufferException e) {
      LOG.warning("health monitor: ignoring a malformed " + envelope.getTopic() + " event: " + e.getMessage());
    }
  }

  /**
   * A container's task started: a check it has begins anew, from {@code starting}. Silently, as
   * Docker's daemon: only a probe's verdict is a {@code health_status} event.
   */
  private void started(ContainerKey key) {
    try {
      Optional<Container> record = record(key);
      Optional<Healthcheck> check = record.flatMap(c -> ContainerConfig.of(c).healthcheck());
      if (check.isPresent()) {
        write(key, record.flatMap(HealthState::of).map(HealthState::restarted).orElse(HealthState.starting()));
        watch(key, check.get(), Instant.now());
      }
    } catch (StatusRuntimeException e) {
      LOG.log(Level.WARNING, "health monitor: cannot begin the checks of " + key + ": " + e.getStatus(), e);
    }
  }

  /** Every running container with a check, in every namespace, watched unless it is already. */
  private void lookEverywhere() {
    try {
      List<Namespace> namespaces = NamespacesGrpc.newBlockingStub(api).withDeadlineAfter(DEADLINE_SECONDS,
          TimeUnit.SECONDS).list(ListNamespacesRequest.getDefaultInstance()).getNamespacesList();
      for (Namespace namespace : namespaces) {
        Channel ns = Channels.inNamespace(api, namespace.getName());
        Map<String, Process> tasks = TasksGrpc.newBlockingStub(ns).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
            .list(ListTasksRequest.getDefaultInstance()).getTasksList().stream()
            .collect(Collectors.toMap(Process::getContainerId, Function.identity(), (a, b) -> a));
        if (tasks.isEmpty()) {
          continue;
        }
        for (Container c : ContainersGrpc.newBlockingStub(ns).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
            .list(ListContainersRequest.getDefaultInstance()).getContainersList()) {
          Process task = tasks.get(c.getId());
          ContainerKey key = new ContainerKey(namespace.getName(), c.getId());
          Optional<Healthcheck> check = ContainerConfig.of(c).healthcheck();
          if (task != null && task.getStatus() != Status.STOPPED && check.isPresent() && !watches.containsKey(key)) {
            if (HealthState.of(c).isEmpty()) {
              write(key, HealthState.starting());
            }
            watch(key, check.get(), Instant.now());
          }
        }
      }
      unreachable.reached();
    } catch (StatusRuntimeException e) {
      // each attempt to subscribe again looks too: a look failing while another waits to try again
      // leaves it to that one, or every second of a metadata group down would add one more for good
      if (!closed && retryPending.compareAndSet(false, true)) {
        if (!unreachable.failed("listing the running containers", e)) {
          LOG.warning("health monitor: cannot list the running containers, trying again in 1 s: " + e.getStatus());
        }
        executor.schedule(() -> {
          retryPending.set(false);
          lookEverywhere();
        }, 1, TimeUnit.SECONDS);
      }
    }
  }

  private void watch(ContainerKey key, Healthcheck check, Instant started) {
    ScheduledFuture<?> next;
    try {
      next = executor.schedule(() -> probe(key),
          check.nextInterval(started, Instant.now(), HealthState.STARTING).toNanos(), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      return;
    }
    Watch previous = watches.put(key, new Watch(check, started, next));
    if (previous != null) {
      previous.next().cancel(false);
    }
  }

  private void unwatch(ContainerKey key) {
    Watch w = watches.remove(key);
    if (w != null) {
      w.next().cancel(false);
    }
  }

  /** Runs the check once, records the verdict, and schedules the next while the container runs. */
  private void probe(ContainerKey key) {
    Watch w = watches.get(key);
    if (w == null || closed) {
      return;
    }
    String status = HealthState.STARTING;
    try {
      Optional<Container> record = record(key);
      if (record.isEmpty()) {
        watches.remove(key, w);
        return;
      }
      status = HealthState.of(record.get()).map(HealthState::status).orElse(HealthState.STARTING);
      Optional<HealthState.Probe> probe = HealthProbe.run(Channels.inNamespace(api, key.namespace()), record.get(),
          w.check());
      if (probe.isPresent()) {
        HealthState before = HealthState.of(record.get()).orElse(HealthState.starting());
        HealthState after = before.after(probe.get(), w.check(), w.started());
        // the container may have ended, and its watch gone, while the probe ran
        if (watches.get(key) == w) {
          write(key, after);
          status = after.status();
          if (!after.status().equals(before.status())) {
            LOG.info(key + " is " + after.status());
            announce(key, after.status());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (StatusRuntimeException e) {
      LOG.log(Level.FINE, e, () -> "health monitor: probe of " + key + " failed: " + e.getStatus());
    }
    try {
      ScheduledFuture<?> next = executor.schedule(() -> probe(key),
          w.check().nextInterval(w.started(), Instant.now(), status).toNanos(), TimeUnit.NANOSECONDS);
      // unless the container ended, or started again with a watch of its own, meanwhile
      if (!watches.replace(key, w, new Watch(w.check(), w.started(), next))) {
        next.cancel(false);
      }
    } catch (RejectedExecutionException e) {
      // closed: no more probes
    }
  }

  private void announce(ContainerKey key, String status) {
    publisher.publish(key.namespace(), HEALTH_STATUS,
        ContainerHealthStatus.newBuilder().setId(key.id()).setStatus(status).build());
  }

  private Optional<Container> record(ContainerKey key) {
    try {
      return Optional.of(ContainersGrpc.newBlockingStub(Channels.inNamespace(api, key.namespace()))
          .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
          .get(GetContainerRequest.newBuilder().setId(key.id()).build()).getContainer());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == io.grpc.Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private void write(ContainerKey key, HealthState state) {
    ContainersGrpc.newBlockingStub(Channels.inNamespace(api, key.namespace()))
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .update(UpdateContainerRequest.newBuilder()
            .setContainer(Container.newBuilder().setId(key.id()).putExtensions(HealthState.EXTENSION, state.toAny()))
            .setUpdateMask(FieldMask.newBuilder().addPaths(MASK)).build());
  }

  @Override
  public void close() {
    closed = true;
    events.close();
    executor.shutdownNow();
  }
}
