package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.grpc.Channels;
import dev.berth.client.BerthClient;
import dev.berth.client.images.ImportOptions;
import dev.berth.client.testing.TestImages;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.PublishRequest;
import dev.berth.daemon.TestBerthd;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.ContainerConfig;
import runtime.v1.ContainerEventResponse;
import runtime.v1.ContainerEventType;
import runtime.v1.ContainerMetadata;
import runtime.v1.ContainerState;
import runtime.v1.ContainerStatus;
import runtime.v1.CreateContainerRequest;
import runtime.v1.GetEventsRequest;
import runtime.v1.ImageSpec;
import runtime.v1.LinuxPodSandboxConfig;
import runtime.v1.LinuxSandboxSecurityContext;
import runtime.v1.NamespaceMode;
import runtime.v1.NamespaceOption;
import runtime.v1.PodSandboxConfig;
import runtime.v1.PodSandboxMetadata;
import runtime.v1.PodSandboxState;
import runtime.v1.RemoveContainerRequest;
import runtime.v1.RemovePodSandboxRequest;
import runtime.v1.RunPodSandboxRequest;
import runtime.v1.RuntimeServiceGrpc;
import runtime.v1.StartContainerRequest;
import runtime.v1.StopPodSandboxRequest;

/**
 * GetContainerEvents as {@link ContainerEvents} serves it over a real berthd's APIs, through a
 * channel whose calls the test fails, holds or slows down: an upstream listing that fails, a
 * subscription that becomes live late, an Events stream that lags.
 */
class ContainerEventsOverSocketTest {
  @RegisterExtension
  static final TestBerthd berthd = new TestBerthd();
  @TempDir Path state;
  private ManagedChannel api;
  private final List<AutoCloseable> cleanUp = new ArrayList<>();

  @BeforeAll
  static void importBusybox() throws Exception {
    try (BerthClient k8s = BerthClient.connect(berthd.socket(), CriServices.NAMESPACE)) {
      k8s.images().importArchive(new ByteArrayInputStream(TestImages.busybox().ociArchive()), ImportOptions.defaults());
    }
  }

  @BeforeEach
  void connect() {
    api = Channels.unix(berthd.socket());
  }

  @AfterEach
  void disconnect() throws Exception {
    for (int i = cleanUp.size() - 1; i >= 0; i--) {
      cleanUp.get(i).close();
    }
    api.shutdownNow();
  }

  /** The CRI's RuntimeService over berthd's APIs reached through {@code interceptors}, served in process. */
  private RuntimeServiceGrpc.RuntimeServiceStub cri(ClientInterceptor... interceptors) throws Exception {
    return cri(ContainerEvents.BACKLOG, interceptors);
  }

  /** As {@link #cri(ClientInterceptor...)}, a GetContainerEvents stream ended once {@code backlog} pieces of work wait. */
  private RuntimeServiceGrpc.RuntimeServiceStub cri(int backlog, ClientInterceptor... interceptors) throws Exception {
    CriServices services = CriServices.over(ClientInterceptors.intercept(api, interceptors), state,
        CriServices.streamingServer(new InetSocketAddress("127.0.0.1", 0), api), backlog);
    String name = "cri-events-" + UUID.randomUUID();
    InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
    services.services().forEach(builder::addService);
    Server server = builder.build().start();
    ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
    cleanUp.add(services);
    cleanUp.add(() -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    cleanUp.add(channel::shutdownNow);
    return RuntimeServiceGrpc.newStub(channel);
  }

  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub blocking(RuntimeServiceGrpc.RuntimeServiceStub cri) {
    return RuntimeServiceGrpc.newBlockingStub(cri.getChannel());
  }

  /** Follows GetContainerEvents into {@code events} until the test ends. */
  private void follow(RuntimeServiceGrpc.RuntimeServiceStub cri, BlockingQueue<Object> events) {
    Context.CancellableContext following = Context.current().withCancellation();
    cleanUp.add(() -> following.cancel(null));
    following.run(() -> cri.getContainerEvents(GetEventsRequest.getDefaultInstance(), new StreamObserver<>() {
      @Override
      public void onNext(ContainerEventResponse e) {
        events.add(e);
      }

      @Override
      public void onError(Throwable t) {
        events.add(t);
      }

      @Override
      public void onCompleted() {}
    }));
  }

  /** Follows GetContainerEvents (as {@link #follow}) until it reaches {@code call}, held there (armed here). */
  private BlockingQueue<Object> followUntilHeld(RuntimeServiceGrpc.RuntimeServiceStub cri, HeldCall call)
      throws InterruptedException {
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    call.arm();
    follow(cri, events);
    call.awaitHeld();
    return events;
  }

  /** The first event {@code wanted} selects within 30 s (a bound on a failure, on a loaded machine); fails on the stream's error. */
  private static ContainerEventResponse next(BlockingQueue<Object> events, Predicate<ContainerEventResponse> wanted)
      throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      Object o = events.poll(50, TimeUnit.MILLISECONDS);
      if (o instanceof Throwable t) {
        throw new AssertionError("GetContainerEvents failed", t);
      }
      if (o instanceof ContainerEventResponse e && wanted.test(e)) {
        return e;
      }
    }
    throw new AssertionError("not told in 30 s");
  }

  /** The status the stream ends with, its events skipped; fails if it has not ended in 30 s. */
  private static Status endOf(BlockingQueue<Object> events) throws Exception {
    Instant deadline = Instant.now().plusSeconds(30);
    while (Instant.now().isBefore(deadline)) {
      if (events.poll(50, TimeUnit.MILLISECONDS) instanceof Throwable t) {
        return Status.fromThrowable(t);
      }
    }
    throw new AssertionError("GetContainerEvents went on for 30 s");
  }

  private static Predicate<ContainerEventResponse> eventOf(String id, ContainerEventType type) {
    return e -> e.getContainerId().equals(id) && e.getContainerEventType() == type;
  }

  private static Predicate<ContainerEventResponse> deletedOf(String id) {
    return e -> e.getContainerId().equals(id) && e.getContainerEventType() == ContainerEventType.CONTAINER_DELETED_EVENT;
  }

  /** A pod on the node's namespaces, quick to make and remove. */
  private static PodSandboxConfig pod(String name) {
    return PodSandboxConfig.newBuilder().setMetadata(PodSandboxMetadata.newBuilder().setName(name)
        .setNamespace("default").setUid(UUID.randomUUID().toString()))
        .setLinux(LinuxPodSandboxConfig.newBuilder().setSecurityContext(LinuxSandboxSecurityContext.newBuilder()
            .setNamespaceOptions(NamespaceOption.newBuilder().setNetwork(NamespaceMode.NODE)
                .setIpc(NamespaceMode.NODE).setPid(NamespaceMode.NODE)))).build();
  }

  private String run(RuntimeServiceGrpc.RuntimeServiceStub cri, PodSandboxConfig config) {
    String pod = blocking(cri).runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(config).build())
        .getPodSandboxId();
    cleanUp.add(() -> blocking(cri).removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod)
        .build()));
    return pod;
  }

  private PodSandboxConfig withLogs(PodSandboxConfig config) {
    return config.toBuilder().setLogDirectory(state.resolve("logs").toString()).build();
  }

  /** A container of the pod that would sleep long. */
  private static String create(RuntimeServiceGrpc.RuntimeServiceStub cri, String pod, PodSandboxConfig config,
      String name) {
    return blocking(cri).createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod)
        .setSandboxConfig(config).setConfig(ContainerConfig.newBuilder()
            .setMetadata(ContainerMetadata.newBuilder().setName(name))
            .setImage(ImageSpec.newBuilder().setImage("busybox")).addAllCommand(List.of("sleep", "1000"))
            .setLogPath(name + ".log")).build()).getContainerId();
  }

  /**
   * Holds the start of the next call of a method whose name ends with {@code method} once armed,
   * until released: the window between two of GetContainerEvents' steps held open.
   */
  private static final class HeldCall implements ClientInterceptor {
    private final String method;
    /** Whether the call is held once answered (its effect done, its caller not told) rather than before it starts. */
    private final boolean answered;
    private final AtomicBoolean armed = new AtomicBoolean();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    HeldCall(String method) {
      this(method, false);
    }

    private HeldCall(String method, boolean answered) {
      this.method = method;
      this.answered = answered;
    }

    /** Holds the answer of the next call of {@code method} once armed: what it did is done, its caller waits. */
    static HeldCall answerOf(String method) {
      return new HeldCall(method, true);
    }

    void arm() {
      armed.set(true);
    }

    void awaitHeld() throws InterruptedException {
      assertTrue(held.await(30, TimeUnit.SECONDS), "no call of " + method + " was held");
    }

    void release() {
      released.countDown();
    }

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> m, CallOptions options, Channel next) {
      ClientCall<Q, A> call = next.newCall(m, options);
      if (!m.getFullMethodName().endsWith(method) || !armed.compareAndSet(true, false)) {
        return call;
      }
      return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
        @Override
        public void start(Listener<A> listener, Metadata headers) {
          if (answered) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onClose(Status status, Metadata trailers) {
                hold();
                super.onClose(status, trailers);
              }
            }, headers);
            return;
          }
          hold();
          super.start(listener, headers);
        }
      };
    }

    private void hold() {
      held.countDown();
      try {
        released.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Holds back the events of berthd's Events stream (EventHistory's Subscribe) until opened: a
   * subscriber lagging for as long as the test wants.
   */
  private static final class HeldEvents implements ClientInterceptor {
    private final CountDownLatch subscribed = new CountDownLatch(1);
    private final CountDownLatch open = new CountDownLatch(1);

    void awaitSubscribed() throws InterruptedException {
      assertTrue(subscribed.await(30, TimeUnit.SECONDS), "GetContainerEvents never subscribed");
    }

    void open() {
      open.countDown();
    }

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
      ClientCall<Q, A> call = next.newCall(method, options);
      if (!method.getFullMethodName().endsWith("/Subscribe")) {
        return call;
      }
      return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
        @Override
        public void start(Listener<A> listener, Metadata headers) {
          super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
            @Override
            public void onMessage(A message) {
              try {
                open.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              super.onMessage(message);
            }
          }, headers);
          subscribed.countDown();
        }
      };
    }
  }

  /** A GetContainerEvents stream, what it is told, and the hold on berthd's events it follows. */
  private record HeldStream(RuntimeServiceGrpc.RuntimeServiceStub cri, HeldEvents held, BlockingQueue<Object> events) {}

  /**
   * A GetContainerEvents stream followed until the test ends, subscribed upstream with berthd's
   * events held back until {@code held().open()} (opened at the end of the test at the latest).
   */
  private HeldStream heldStream() throws Exception {
    HeldEvents held = new HeldEvents();
    RuntimeServiceGrpc.RuntimeServiceStub cri = cri(held);
    cleanUp.add(held::open);
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    follow(cri, events);
    held.awaitSubscribed();
    return new HeldStream(cri, held, events);
  }

  /** Fails the calls of a method whose name ends with one of {@code failing}'s, while it holds any. */
  private static final class Failing implements ClientInterceptor {
    final Set<String> failing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
      if (failing.stream().noneMatch(method.getFullMethodName()::endsWith)) {
        return next.newCall(method, options);
      }
      return new ClientCall<>() {
        @Override
        public void start(Listener<A> listener, Metadata headers) {
          listener.onClose(Status.UNAVAILABLE.withDescription("failed by the test"), new Metadata());
        }

        @Override
        public void request(int n) {}

        @Override
        public void cancel(String message, Throwable cause) {}

        @Override
        public void halfClose() {}

        @Override
        public void sendMessage(Q message) {}
      };
    }
  }

  private static long eventWorkers() {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("cri-events")).count();
  }

  /**
   * A GetContainerEvents whose listing of containers fails (the tasks group down) fails, and
   * leaves no listener of pod events and no worker behind: each of the kubelet's retries would
   * leak one, a thread for ever once a pod's event is told.
   */
  @Test
  void aSubscriptionWhoseListingFailsLeavesNothingBehind() throws Exception {
    Failing failing = new Failing();
    RuntimeServiceGrpc.RuntimeServiceStub cri = cri(failing);
    long workers = eventWorkers();
    failing.failing.add("Containers/List");
    StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
        () -> blocking(cri).getContainerEvents(GetEventsRequest.getDefaultInstance()).hasNext());
    assertTrue(refused.getStatus().getCode() != Status.Code.OK, refused.toString());
    failing.failing.clear();

    // a pod's events, told to every listener left
    String pod = run(cri, pod("after-a-failed-subscription"));
    blocking(cri).removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    Thread.sleep(200);
    assertEquals(workers, eventWorkers(), "GetContainerEvents workers left running");
  }

  /**
   * A pod removed after GetContainerEvents listed the pods, before its upstream subscription is
   * live (the test holds its start), is still told DELETED.
   */
  @Test
  void aPodRemovedBeforeTheSubscriptionIsLiveIsToldDeleted() throws Exception {
    HeldCall subscribing = new HeldCall("/Subscribe");
    RuntimeServiceGrpc.RuntimeServiceStub cri = cri(subscribing);
    cleanUp.add(subscribing::release);
    String pod = run(cri, pod("removed-in-the-window"));
    BlockingQueue<Object> events = followUntilHeld(cri, subscribing);
    blocking(cri).removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    subscribing.release();
    next(events, deletedOf(pod));
  }

  /**
   * A pod and its container removed while GetContainerEvents lists the containers (the test holds
   * the listing's call) are still told DELETED: the listing no longer finds them, but the stream
   * hears of their removal.
   */
  @Test
  void aPodAndContainerRemovedWhileTheListingRunsAreToldDeleted() throws Exception {
    HeldCall listing = new HeldCall("Containers/List");
    RuntimeServiceGrpc.RuntimeServiceStub cri = cri(listing);
    cleanUp.add(listing::release);
    PodSandboxConfig config = withLogs(pod("removed-while-listed"));
    String pod = run(cri, config);
    String container = create(cri, pod, config, "listed");
    BlockingQueue<Object> events = followUntilHeld(cri, listing);
    blocking(cri).removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    listing.release();
    next(events, deletedOf(container));
    ContainerEventResponse podDeleted = next(events, deletedOf(pod));
    assertFalse(podDeleted.hasPodSandboxStatus(), "a removed pod's DELETED has no status, as containerd's");
    assertEquals(0, podDeleted.getContainersStatusesCount(), podDeleted.toString());
  }

  /**
   * A replay of berthd's events that would miss some it no longer keeps (more than it keeps were
   * published between the moment the stream follows from and its subscription, which the test
   * holds) ends the stream with ABORTED, for the kubelet to list again, instead of going on
   * without the pod's DELETED.
   */
  @Test
  void aReplayThatWouldMissEventsEndsTheStreamWithAborted() throws Exception {
    HeldCall subscribing = new HeldCall("/Subscribe");
    RuntimeServiceGrpc.RuntimeServiceStub cri = cri(subscribing);
    cleanUp.add(subscribing::release);
    String pod = run(cri, pod("removed-then-flooded"));
    BlockingQueue<Object> events = followUntilHeld(cri, subscribing);
    blocking(cri).removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    EventsGrpc.EventsBlockingStub publisher = EventsGrpc.newBlockingStub(Channels.inNamespace(api, CriServices.NAMESPACE));
    // berthd keeps the last 1024 (docs/ctr.md): more than that after the moment the stream follows from
    for (int i = 0; i < 1024 + 50; i++) {
      publisher.publish(PublishRequest.newBuilder().setTopic("/test/flood").build());
    }
    subscribing.release();
    Status end = endOf(events);
    assertEquals(Status.Code.ABORTED, end.getCode(), end.toString());
  }

  /**
   * A client that does not take its events holds up its own stream only until
   * {@code backlog} pieces of work wait: then the stream ends with ABORTED, rather than
   * growing without bound.
   */
  @Test
  void aClientThatFallsTooFarBehindHasItsStreamEndedWithAborted() throws Exception {
    RuntimeServiceGrpc.RuntimeServiceStub cri = cri(2);
    ClientCall<GetEventsRequest, ContainerEventResponse> call = cri.getChannel()
        .newCall(RuntimeServiceGrpc.getGetContainerEventsMethod(), CallOptions.DEFAULT);
    CompletableFuture<Status> closed = new CompletableFuture<>();
    call.start(new ClientCall.Listener<>() {
      @Override
      public void onClose(Status status, Metadata trailers) {
        closed.complete(status);
      }
    }, new Metadata());
    cleanUp.add(() -> call.cancel("the test is over", null));
    call.sendMessage(GetEventsRequest.getDefaultInstance());
    call.halfClose();
    // nothing requested: the pods' events wait for the client
    run(cri, pod("untaken-1"));
    run(cri, pod("untaken-2"));
    call.request(Integer.MAX_VALUE);
    Status end = closed.get(30, TimeUnit.SECONDS);
    assertEquals(Status.Code.ABORTED, end.getCode(), end.toString());
  }

  /**
   * With berthd's Events stream held back, StopPodSandbox's STOPPED of the pod still comes after
   * its container's, as containerd sends them, with the pod NOTREADY and the container EXITED.
   */
  @Test
  void aStoppedPodIsToldStoppedAfterItsContainersWhateverTheStreamsLag() throws Exception {
    HeldStream stream = heldStream();
    RuntimeServiceGrpc.RuntimeServiceStub cri = stream.cri();
    PodSandboxConfig config = withLogs(pod("stopped-in-order"));
    String pod = run(cri, config);
    String container = create(cri, pod, config, "stopped");
    blocking(cri).startContainer(StartContainerRequest.newBuilder().setContainerId(container).build());
    blocking(cri).stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    stream.held().open();

    ContainerEventResponse first = next(stream.events(), e -> e.getContainerEventType() == ContainerEventType.CONTAINER_STOPPED_EVENT
        && (e.getContainerId().equals(container) || e.getContainerId().equals(pod)));
    assertEquals(container, first.getContainerId(), "the container's STOPPED before the pod's");
    ContainerEventResponse podStopped = next(stream.events(), eventOf(pod, ContainerEventType.CONTAINER_STOPPED_EVENT));
    assertEquals(PodSandboxState.SANDBOX_NOTREADY, podStopped.getPodSandboxStatus().getState());
    assertEquals(List.of(ContainerState.CONTAINER_EXITED),
        podStopped.getContainersStatusesList().stream().map(ContainerStatus::getState).toList());
  }

  /**
   * A stream that subscribes while StopPodSandbox is between its NOT_READY write and telling
   * STOPPED (the test holds the write's answer) is told the pod's STOPPED: the update, dated before
   * the stream's replay starts, never comes to it, and the STOPPED was held until RemovePodSandbox.
   */
  @Test
  void aPodStoppedAsTheStreamSubscribesIsToldStoppedBeforeItsRemoval() throws Exception {
    HeldCall writing = HeldCall.answerOf("Containers/Update");
    HeldEvents held = new HeldEvents();
    RuntimeServiceGrpc.RuntimeServiceStub cri = cri(writing, held);
    cleanUp.add(writing::release);
    cleanUp.add(held::open);
    String pod = run(cri, pod("stopped-as-subscribed"));
    writing.arm();
    CompletableFuture<Void> stopping = CompletableFuture.runAsync(() ->
        blocking(cri).stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(pod).build()));
    writing.awaitHeld();
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    follow(cri, events);
    held.awaitSubscribed();
    held.open();
    writing.release();
    stopping.get(30, TimeUnit.SECONDS);

    ContainerEventResponse stopped = next(events, eventOf(pod, ContainerEventType.CONTAINER_STOPPED_EVENT));
    assertEquals(PodSandboxState.SANDBOX_NOTREADY, stopped.getPodSandboxStatus().getState());
  }

  /**
   * A container created and removed before a lagging subscriber has its CREATED is still told
   * CREATED, then DELETED, as containerd tells both from the calls themselves.
   */
  @Test
  void aContainerRemovedBeforeALaggingSubscriberHearsOfItIsToldCreatedAndDeleted() throws Exception {
    HeldStream stream = heldStream();
    RuntimeServiceGrpc.RuntimeServiceStub cri = stream.cri();
    PodSandboxConfig config = withLogs(pod("short-lived"));
    String pod = run(cri, config);
    String container = create(cri, pod, config, "gone");
    blocking(cri).removeContainer(RemoveContainerRequest.newBuilder().setContainerId(container).build());
    stream.held().open();

    ContainerEventResponse created = next(stream.events(), e -> e.getContainerId().equals(container));
    assertEquals(ContainerEventType.CONTAINER_CREATED_EVENT, created.getContainerEventType());
    assertEquals(pod, created.getPodSandboxStatus().getId());
    next(stream.events(), deletedOf(container));
  }

  /**
   * A CRI client that went away before GetContainerEvents subscribes upstream (its cancel seen by
   * the time the listing ends) leaves no exception behind: the subscription is cancelled once
   * started, since grpc-java refuses to start a call cancelled before, instead of an
   * IllegalStateException ("call was cancelled") out of the call's method.
   */
  @Test
  void aClientGoneBeforeTheSubscriptionStartsLeavesNoExceptionBehind() throws Exception {
    CountDownLatch subscribed = new CountDownLatch(1);
    CountDownLatch upstreamCancelled = new CountDownLatch(1);
    CriServices services = CriServices.over(ClientInterceptors.intercept(api, new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        ClientCall<Q, A> call = next.newCall(method, options);
        if (!method.getFullMethodName().endsWith("/Subscribe")) {
          return call;
        }
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
          @Override
          public void start(Listener<A> listener, Metadata headers) {
            super.start(listener, headers);
            subscribed.countDown();
          }

          @Override
          public void cancel(String message, Throwable cause) {
            super.cancel(message, cause);
            upstreamCancelled.countDown();
          }
        };
      }
    }), state, CriServices.streamingServer(new InetSocketAddress("127.0.0.1", 0), api));
    cleanUp.add(services);
    RuntimeService runtime = services.services().stream().filter(RuntimeService.class::isInstance)
        .map(RuntimeService.class::cast).findFirst().orElseThrow();
    List<Runnable> onCancel = new ArrayList<>();
    ServerCallStreamObserver<ContainerEventResponse> gone = new ServerCallStreamObserver<>() {
      @Override
      public boolean isCancelled() {
        return true;
      }

      @Override
      public void setOnCancelHandler(Runnable handler) {
        onCancel.add(handler);
      }

      @Override
      public void setCompression(String compression) {}

      @Override
      public boolean isReady() {
        return false;
      }

      @Override
      public void setOnReadyHandler(Runnable handler) {}

      @Override
      public void request(int count) {}

      @Override
      public void setMessageCompression(boolean enable) {}

      @Override
      public void disableAutoInboundFlowControl() {}

      @Override
      public void onNext(ContainerEventResponse value) {}

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
    runtime.getContainerEvents(GetEventsRequest.getDefaultInstance(), gone);
    assertTrue(subscribed.await(10, TimeUnit.SECONDS), "never subscribed upstream");
    assertTrue(upstreamCancelled.await(10, TimeUnit.SECONDS), "the upstream subscription outlives its client");
    onCancel.forEach(Runnable::run);
  }

  /** A pod whose CREATED could not be built (its network not readable then) is still told DELETED. */
  @Test
  void aPodWhoseCreatedEventFailedIsToldDeleted() throws Exception {
    Failing failing = new Failing();
    CountDownLatch subscribed = new CountDownLatch(1);
    RuntimeServiceGrpc.RuntimeServiceStub cri = cri(failing, new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        if (method.getFullMethodName().endsWith("/Subscribe")) {
          subscribed.countDown();
        }
        return next.newCall(method, options);
      }
    });
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    follow(cri, events);
    assertTrue(subscribed.await(10, TimeUnit.SECONDS), "GetContainerEvents never subscribed");
    failing.failing.add("Attachments/Get");
    String pod;
    try {
      pod = run(cri, pod("created-untold"));
    } finally {
      failing.failing.clear();
    }
    blocking(cri).removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());
    next(events, deletedOf(pod));
  }

  /**
   * With berthd's Events stream lagging, a removed pod's DELETED still comes after its
   * containers': it is told from its record's deletion, on the same stream, not on a path of its
   * own that would overtake them.
   */
  @Test
  void aRemovedPodsContainersAreToldDeletedBeforeThePodWhateverTheStreamsLag() throws Exception {
    CountDownLatch subscribed = new CountDownLatch(1);
    RuntimeServiceGrpc.RuntimeServiceStub cri = cri(new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        ClientCall<Q, A> call = next.newCall(method, options);
        if (!method.getFullMethodName().endsWith("/Subscribe")) {
          return call;
        }
        subscribed.countDown();
        return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
          @Override
          public void start(Listener<A> listener, Metadata headers) {
            super.start(new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
              @Override
              public void onMessage(A message) {
                try {
                  Thread.sleep(300);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                super.onMessage(message);
              }
            }, headers);
          }
        };
      }
    });
    BlockingQueue<Object> events = new LinkedBlockingQueue<>();
    follow(cri, events);
    assertTrue(subscribed.await(10, TimeUnit.SECONDS), "GetContainerEvents never subscribed");
    PodSandboxConfig config = pod("deleted-in-order").toBuilder().setLogDirectory(state.resolve("logs").toString()).build();
    String pod = run(cri, config);
    Set<String> containers = new HashSet<>();
    for (String name : List.of("first", "second")) {
      containers.add(blocking(cri).createContainer(CreateContainerRequest.newBuilder().setPodSandboxId(pod)
          .setSandboxConfig(config).setConfig(ContainerConfig.newBuilder()
              .setMetadata(ContainerMetadata.newBuilder().setName(name))
              .setImage(ImageSpec.newBuilder().setImage("busybox")).addAllCommand(List.of("sleep", "1000"))
              .setLogPath(name + ".log")).build()).getContainerId());
    }
    // the subscriber knows a container from its CREATED on
    Set<String> created = new HashSet<>();
    while (!created.equals(containers)) {
      created.add(next(events, x -> containers.contains(x.getContainerId())
          && x.getContainerEventType() == ContainerEventType.CONTAINER_CREATED_EVENT).getContainerId());
    }
    blocking(cri).removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(pod).build());

    Set<String> deletedBefore = new HashSet<>();
    ContainerEventResponse e;
    while (!(e = next(events, x -> x.getContainerEventType() == ContainerEventType.CONTAINER_DELETED_EVENT))
        .getContainerId().equals(pod)) {
      deletedBefore.add(e.getContainerId());
    }
    assertEquals(containers, deletedBefore, "the containers' DELETED before the pod's");
  }
}
