package dev.berth.cri;

import berth.events.v1.EventHistoryGrpc;
import berth.events.v1.SubscribeSinceRequest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import containerd.events.ContainerCreate;
import containerd.events.ContainerDelete;
import containerd.events.TaskExit;
import containerd.events.TaskStart;
import containerd.services.events.v1.Envelope;
import dev.berth.api.grpc.BerthException;
import dev.berth.api.grpc.ProtoTimes;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import runtime.v1.ContainerEventResponse;
import runtime.v1.ContainerEventType;
import runtime.v1.ContainerFilter;
import runtime.v1.PodSandboxFilter;

/**
 * GetContainerEvents: berthd's events of namespace {@value CriServices#NAMESPACE} (Events API,
 * followed through EventHistory) turned into the CRI's: a CRI container's record created, its task started, its init process
 * exited, its record deleted, each with its pod's status and all its pod's containers' statuses
 * as containerd sends them; and the events of pods themselves as {@link PodSandboxes#whenPodEvent}
 * tells them, but for a pod's DELETED, told when its record's deletion comes: RemovePodSandbox
 * deletes its containers' records first, and their deletions come on the same upstream, in the
 * order they were published, so each subscriber hears of the containers' DELETED before the pod's,
 * as containerd sends them. Each subscriber gets its own upstream subscription and one thread that
 * looks up the statuses in order; a subscriber going away cancels both.
 */
final class ContainerEvents {
  private static final Logger LOG = Logger.getLogger(ContainerEvents.class.getName());

  private final Channel api;
  private final PodSandboxes sandboxes;
  private final CriContainers containers;

  ContainerEvents(Channel api, PodSandboxes sandboxes, CriContainers containers) {
    this.api = api;
    this.sandboxes = sandboxes;
    this.containers = containers;
  }

  /**
   * The upstream subscription replays berthd's events from the moment before the CRI's containers
   * and pods are listed (EventHistory), so that nothing done between the listing and the
   * subscription being live is missed: a pod listed and removed in between is still told DELETED.
   * A listing that fails (the tasks group down) fails the call, and leaves nothing behind.
   */
  void follow(StreamObserver<ContainerEventResponse> responses) {
    ServerCallStreamObserver<ContainerEventResponse> downstream =
        (ServerCallStreamObserver<ContainerEventResponse>) responses;
    ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "cri-events");
      t.setDaemon(true);
      return t;
    });
    // deleted records cannot be looked up: the CRI containers, and their pods, are known from
    // their creation on
    Map<String, String> known = new ConcurrentHashMap<>();
    Set<String> pods = ConcurrentHashMap.newKeySet();
    Runnable unwatch = sandboxes.whenPodEvent(new PodSandboxes.PodEventListener() {
      @Override
      public void made(String id) {
        onWorker(worker, () -> pods.add(id));
      }

      @Override
      public void told(ContainerEventResponse event) {
        onWorker(worker, () -> send(downstream, event));
      }
    });
    AtomicReference<ClientCallStreamObserver<SubscribeSinceRequest>> upstream = new AtomicReference<>();
    Runnable end = () -> {
      unwatch.run();
      Optional.ofNullable(upstream.get()).ifPresent(u -> u.cancel("the CRI client went away", null));
      worker.shutdownNow();
    };
    downstream.setOnCancelHandler(end);
    Timestamp since = ProtoTimes.toTimestamp(Instant.now());
    try {
      containers.list(ContainerFilter.getDefaultInstance()).forEach(c -> known.put(c.id(), c.sandboxId()));
      sandboxes.list(PodSandboxFilter.getDefaultInstance()).forEach(s -> pods.add(s.id()));
    } catch (RuntimeException failure) {
      end.run();
      throw failure;
    }
    AtomicReference<ClientCallStreamObserver<SubscribeSinceRequest>> starting = new AtomicReference<>();
    EventHistoryGrpc.newStub(api).subscribe(SubscribeSinceRequest.newBuilder()
        .addFilters("namespace==\"" + CriServices.NAMESPACE + "\"").setSince(since).build(),
        new ClientResponseObserver<SubscribeSinceRequest, Envelope>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<SubscribeSinceRequest> call) {
            // grpc-java refuses to start a call cancelled here: published once it has started
            starting.set(call);
          }

          @Override
          public void onNext(Envelope e) {
            onWorker(worker, () -> {
              try {
                translate(e, known, pods).ifPresent(r -> send(downstream, r));
              } catch (RuntimeException failure) {
                LOG.warning("cannot turn event " + e.getTopic() + " into a CRI event: " + failure.getMessage());
              }
            });
          }

          @Override
          public void onError(Throwable t) {
            onWorker(worker, () -> {
              unwatch.run();
              if (!downstream.isCancelled()) {
                downstream.onError(Status.UNAVAILABLE.withDescription("berthd's Events API: " + Status.fromThrowable(t))
                    .asRuntimeException());
              }
              worker.shutdown();
            });
          }

          @Override
          public void onCompleted() {
            onWorker(worker, () -> {
              unwatch.run();
              downstream.onCompleted();
              worker.shutdown();
            });
          }
        });
    upstream.set(starting.get());
    // a CRI client gone during the listing or the subscription: its cancel handler found nothing
    // to cancel yet
    if (downstream.isCancelled()) {
      starting.get().cancel("the CRI client went away", null);
    }
  }

  /**
   * Runs {@code task} on the subscriber's worker unless the subscriber went away: its cancel shuts
   * the worker down at any moment, and the thread telling it (one telling every subscriber a pod's
   * event) must not fail for that.
   */
  private static void onWorker(ExecutorService worker, Runnable task) {
    try {
      worker.execute(task);
    } catch (RejectedExecutionException gone) {
      // the subscriber is gone: nothing to send to
    }
  }

  private static void send(ServerCallStreamObserver<ContainerEventResponse> downstream, ContainerEventResponse r) {
    synchronized (downstream) {
      if (!downstream.isCancelled()) {
        downstream.onNext(r);
      }
    }
  }

  /**
   * The CRI event of an upstream one: of a CRI container that {@code known} maps to its pod, or,
   * for a deleted record, of a pod in {@code pods} (its DELETED, without statuses, as containerd's
   * once the pod is gone from its store).
   */
  private Optional<ContainerEventResponse> translate(Envelope e, Map<String, String> known, Set<String> pods) {
    String id;
    ContainerEventType type;
    try {
      switch (e.getTopic()) {
        case "/containers/create" -> {
          id = ContainerCreate.parseFrom(e.getEvent().getValue()).getId();
          type = ContainerEventType.CONTAINER_CREATED_EVENT;
        }
        case "/tasks/start" -> {
          id = TaskStart.parseFrom(e.getEvent().getValue()).getContainerId();
          type = ContainerEventType.CONTAINER_STARTED_EVENT;
        }
        case "/tasks/exit" -> {
          TaskExit exit = TaskExit.parseFrom(e.getEvent().getValue());
          if (!exit.getId().isEmpty() && !exit.getId().equals(exit.getContainerId())) {
            return Optional.empty();
          }
          id = exit.getContainerId();
          type = ContainerEventType.CONTAINER_STOPPED_EVENT;
        }
        case "/containers/delete" -> {
          id = ContainerDelete.parseFrom(e.getEvent().getValue()).getId();
          type = ContainerEventType.CONTAINER_DELETED_EVENT;
        }
        default -> {
          return Optional.empty();
        }
      }
    } catch (InvalidProtocolBufferException ex) {
      throw new IllegalStateException("unreadable " + e.getTopic() + " event: " + ex.getMessage(), ex);
    }
    String pod;
    if (type == ContainerEventType.CONTAINER_DELETED_EVENT) {
      pod = known.remove(id);
      if (pod == null) {
        return pods.remove(id) ? Optional.of(ContainerEventResponse.newBuilder().setContainerId(id)
            .setContainerEventType(type).setCreatedAt(CriMessages.nanos(ProtoTimes.toInstant(e.getTimestamp())))
            .build()) : Optional.empty();
      }
    } else {
      Optional<CriContainers.CriContainer> c = lookUp(id);
      if (c.isEmpty()) {
        return Optional.empty();
      }
      pod = c.get().sandboxId();
      known.put(id, pod);
    }
    return Optional.of(sandboxes.eventOf(pod).setContainerId(id).setContainerEventType(type)
        .setCreatedAt(CriMessages.nanos(ProtoTimes.toInstant(e.getTimestamp()))).build());
  }

  /** The CRI container of this id; empty for other records (sandboxes, berthctl's) and for one gone since. */
  private Optional<CriContainers.CriContainer> lookUp(String id) {
    try {
      return Optional.of(containers.get(id));
    } catch (BerthException e) {
      if (e.code() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }
}
