package dev.berth.cri;

import berth.events.v1.EventHistoryGrpc;
import berth.events.v1.SubscribeSinceRequest;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import containerd.events.ContainerCreate;
import containerd.events.ContainerDelete;
import containerd.events.ContainerUpdate;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;
import runtime.v1.ContainerEventResponse;
import runtime.v1.ContainerEventType;
import runtime.v1.ContainerFilter;
import runtime.v1.PodSandboxFilter;

/**
 * GetContainerEvents: berthd's events of namespace {@value CriServices#NAMESPACE} (Events API,
 * followed through EventHistory) turned into the CRI's: a CRI container's record created, its task
 * started, its init process exited, its record deleted, each with its pod's status and all its
 * pod's containers' statuses as containerd sends them; and the events of pods themselves as
 * {@link PodSandboxes#whenPodEvent} tells them. Where containerd sends an event from the call that
 * caused it, Berth takes it from berthd's events, in the order berthd published them, and keeps
 * the in-process pod events in that order: a pod's DELETED is told from its record's deletion,
 * after its containers' (RemovePodSandbox deletes them first), and StopPodSandbox's STOPPED once
 * the pod's NOT_READY update has come through, after the exits of the containers it stopped. Each
 * subscriber has its own upstream subscription and {@link EventDelivery}; a subscriber going away
 * ends both.
 */
final class ContainerEvents {
  /**
   * Work a subscriber may have waiting (berthd's events not yet turned into the CRI's, the CRI's
   * not yet taken by its client) before its stream is ended: as far behind as berthd's Events API
   * lets one of its own subscribers fall.
   */
  static final int BACKLOG = 4096;
  private static final Logger LOG = Logger.getLogger(ContainerEvents.class.getName());

  private final Channel api;
  private final PodSandboxes sandboxes;
  private final CriContainers containers;
  private final int backlog;

  ContainerEvents(Channel api, PodSandboxes sandboxes, CriContainers containers) {
    this(api, sandboxes, containers, BACKLOG);
  }

  /** {@code backlog}: the work a subscriber may have waiting before its stream is ended. */
  ContainerEvents(Channel api, PodSandboxes sandboxes, CriContainers containers, int backlog) {
    this.api = api;
    this.sandboxes = sandboxes;
    this.containers = containers;
    this.backlog = backlog;
  }

  /**
   * The upstream subscription replays berthd's events from the moment before the CRI's containers
   * and pods are listed (EventHistory), so that nothing done between the listing and the
   * subscription being live is missed: a pod listed and removed in between is still told DELETED;
   * one removed while the listing runs is known from its removal. A replay that would miss events
   * berthd no longer keeps, and a subscriber that falls {@link #BACKLOG} behind, end the stream with
   * ABORTED, for the kubelet to list and call again. A listing that fails (the tasks group down)
   * fails the call, and leaves nothing behind.
   */
  void follow(StreamObserver<ContainerEventResponse> responses) {
    EventDelivery delivery = new EventDelivery((ServerCallStreamObserver<ContainerEventResponse>) responses, backlog);
    Subscriber subscriber = new Subscriber(delivery);
    delivery.whenEnded(sandboxes.whenPodEvent(subscriber));
    delivery.whenEnded(containers.whenRemoving(subscriber::containerRemoving));
    Timestamp since = ProtoTimes.toTimestamp(Instant.now());
    try {
      containers.list(ContainerFilter.getDefaultInstance()).forEach(c -> subscriber.known.put(c.id(), c.sandboxId()));
      for (PodSandboxes.Sandbox s : sandboxes.list(PodSandboxFilter.getDefaultInstance())) {
        subscriber.pods.add(s.id());
        if (!s.notStopped()) {
          subscriber.listedNotReady(s.id());
        }
      }
    } catch (RuntimeException failure) {
      delivery.abandon();
      throw failure;
    }
    AtomicReference<ClientCallStreamObserver<SubscribeSinceRequest>> starting = new AtomicReference<>();
    EventHistoryGrpc.newStub(api).subscribe(SubscribeSinceRequest.newBuilder()
        .addFilters("namespace==\"" + CriServices.NAMESPACE + "\"").setSince(since).setComplete(true).build(),
        new ClientResponseObserver<SubscribeSinceRequest, Envelope>() {
          @Override
          public void beforeStart(ClientCallStreamObserver<SubscribeSinceRequest> call) {
            // grpc-java refuses to start a call cancelled here: cancelled once it has started
            starting.set(call);
          }

          @Override
          public void onNext(Envelope e) {
            delivery.run(() -> subscriber.handle(e));
          }

          @Override
          public void onError(Throwable t) {
            Status upstream = Status.fromThrowable(t);
            // after the events received before it
            delivery.run(() -> delivery.fail(lost(upstream)
                ? Status.ABORTED.withDescription("GetContainerEvents missed events berthd published (" + upstream
                    + "): list the pods and containers again, then call GetContainerEvents again")
                : Status.UNAVAILABLE.withDescription("berthd's Events API: " + upstream)));
          }

          @Override
          public void onCompleted() {
            delivery.run(delivery::complete);
          }
        });
    ClientCallStreamObserver<SubscribeSinceRequest> upstream = starting.get();
    // at once if the CRI client went away during the listing or the subscription
    delivery.whenEnded(() -> upstream.cancel("the CRI client went away", null));
  }

  /**
   * Events were lost: the replay would have missed some berthd no longer keeps (OUT_OF_RANGE), or
   * the subscription fell behind and berthd ended it (RESOURCE_EXHAUSTED).
   */
  private static boolean lost(Status upstream) {
    return upstream.getCode() == Status.Code.OUT_OF_RANGE || upstream.getCode() == Status.Code.RESOURCE_EXHAUSTED;
  }

  /**
   * One subscriber: what it knows of the CRI's records, whose deletion cannot be looked up, and the
   * pod STOPPED events it holds back. Its work runs in order on its delivery's thread; the listing
   * fills {@link #known} and {@link #pods} on the call's thread before the subscription starts.
   */
  private final class Subscriber implements PodSandboxes.PodEventListener {
    private final EventDelivery delivery;
    /** The CRI containers, each with its pod: from the listing, their creation or their removal on. */
    final Map<String, String> known = new ConcurrentHashMap<>();
    /** The pods: from the listing, their making or their removal on. */
    final Set<String> pods = ConcurrentHashMap.newKeySet();
    /** StopPodSandbox's STOPPED of a pod, held until the pod's NOT_READY update has come. */
    private final Map<String, ContainerEventResponse> heldStops = new HashMap<>();
    /** The pods whose NOT_READY update has come. */
    private final Set<String> notReady = new HashSet<>();

    Subscriber(EventDelivery delivery) {
      this.delivery = delivery;
    }

    @Override
    public void made(String id) {
      delivery.run(() -> pods.add(id));
    }

    @Override
    public void removing(String id) {
      delivery.run(() -> pods.add(id));
    }

    /**
     * Known from its removal on: its events still to come (a lagging subscription may not have
     * had its CREATED yet) find its pod though its record is gone.
     */
    void containerRemoving(String id, String sandboxId) {
      delivery.run(() -> known.put(id, sandboxId));
    }

    @Override
    public void told(ContainerEventResponse event) {
      delivery.run(() -> delivery.send(event));
    }

    @Override
    public void toldAfterItsUpdate(ContainerEventResponse event) {
      delivery.run(() -> {
        if (notReady.contains(event.getContainerId())) {
          delivery.send(event);
        } else {
          heldStops.put(event.getContainerId(), event);
        }
      });
    }

    /**
     * A pod the listing found NOT_READY: its update may be dated before the replay's start, and
     * would never come, so its STOPPED, told from a StopPodSandbox that wrote NOT_READY before
     * this subscriber listed, goes now or when told instead of being held until its removal.
     */
    void listedNotReady(String id) {
      delivery.run(() -> {
        if (notReady.add(id)) {
          release(id);
        }
      });
    }

    /** An event of berthd's, on the delivery's thread. */
    void handle(Envelope e) {
      try {
        switch (e.getTopic()) {
          case "/containers/create" ->
              tell(ContainerCreate.parseFrom(e.getEvent().getValue()).getId(),
                  ContainerEventType.CONTAINER_CREATED_EVENT, e);
          case "/tasks/start" ->
              tell(TaskStart.parseFrom(e.getEvent().getValue()).getContainerId(),
                  ContainerEventType.CONTAINER_STARTED_EVENT, e);
          case "/tasks/exit" -> {
            TaskExit exit = TaskExit.parseFrom(e.getEvent().getValue());
            // an exec's exit is not the container's
            if (exit.getId().isEmpty() || exit.getId().equals(exit.getContainerId())) {
              tell(exit.getContainerId(), ContainerEventType.CONTAINER_STOPPED_EVENT, e);
            }
          }
          case "/containers/update" -> updated(ContainerUpdate.parseFrom(e.getEvent().getValue()));
          case "/containers/delete" -> deleted(ContainerDelete.parseFrom(e.getEvent().getValue()).getId(), e);
          default -> {
            // not a CRI event
          }
        }
      } catch (InvalidProtocolBufferException | RuntimeException failure) {
        LOG.warning("cannot turn event " + e.getTopic() + " into a CRI event: " + failure.getMessage());
      }
    }

    /**
     * The event of a CRI container: one whose record is here, or, gone since, that this
     * subscriber knows; not of other records (pods, berthctl's).
     */
    private void tell(String id, ContainerEventType type, Envelope e) {
      Optional<String> pod = lookUp(id).map(CriContainers.CriContainer::sandboxId)
          .or(() -> Optional.ofNullable(known.get(id)));
      if (pod.isEmpty()) {
        return;
      }
      known.put(id, pod.get());
      delivery.send(sandboxes.eventOf(pod.get()).setContainerId(id).setContainerEventType(type)
          .setCreatedAt(stamp(e)).build());
    }

    /** A pod's NOT_READY update lets its STOPPED go, held or to come. */
    private void updated(ContainerUpdate update) {
      Map<String, String> labels = update.getLabelsMap();
      if (CriRecords.SANDBOX.equals(labels.get(CriRecords.KIND))
          && CriRecords.NOT_READY.equals(labels.get(CriRecords.STATE)) && notReady.add(update.getId())) {
        release(update.getId());
      }
    }

    /**
     * A container's DELETED, with its pod's status and the containers left; a pod's, without
     * statuses, as containerd's once the pod is gone from its store, after its STOPPED if that is
     * still held (its update never came through).
     */
    private void deleted(String id, Envelope e) {
      String pod = known.remove(id);
      if (pod != null) {
        delivery.send(sandboxes.eventOf(pod).setContainerId(id)
            .setContainerEventType(ContainerEventType.CONTAINER_DELETED_EVENT).setCreatedAt(stamp(e)).build());
        return;
      }
      release(id);
      notReady.remove(id);
      if (pods.remove(id)) {
        delivery.send(ContainerEventResponse.newBuilder().setContainerId(id)
            .setContainerEventType(ContainerEventType.CONTAINER_DELETED_EVENT).setCreatedAt(stamp(e)).build());
      }
    }

    private void release(String pod) {
      Optional.ofNullable(heldStops.remove(pod)).ifPresent(delivery::send);
    }
  }

  private static long stamp(Envelope e) {
    return CriMessages.nanos(ProtoTimes.toInstant(e.getTimestamp()));
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
