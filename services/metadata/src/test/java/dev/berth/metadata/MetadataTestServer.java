package dev.berth.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.SubscribeRequest;
import containerd.services.introspection.v1.Plugin;
import containerd.types.Descriptor;
import dev.berth.api.Digests;
import dev.berth.common.fs.FileTrees;
import dev.berth.common.gc.GarbageCollectionRequests;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.testing.InProcessServices;
import dev.berth.metadata.namespaces.NamespaceUsage;
import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.function.Executable;

/**
 * The metadata services on a fresh store, served in-process: under a test's root
 * ({@link #start}), or for each test in a directory of its own ({@link #perTest}, registered
 * with {@code @RegisterExtension} and started before the test's {@code @BeforeEach} methods).
 */
public final class MetadataTestServer implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
  private MetadataStore store;
  private InProcessServices grpc;
  /** The directory {@link #perTest} made, removed after the test. */
  private Path ownRoot;
  /** What image and lease deletions asked of the garbage collector: "now" or "soon", in order. */
  private final List<String> collections = new CopyOnWriteArrayList<>();

  private MetadataTestServer() {}

  /** The collections asked for so far ("now" for a sync delete, "soon" otherwise). */
  public List<String> collectionsAsked() {
    return List.copyOf(collections);
  }

  public static MetadataTestServer start(Path root) throws Exception {
    return start(root, List.of(), List::of);
  }

  public static MetadataTestServer start(Path root, List<NamespaceUsage> extraUsage, Supplier<List<Plugin>> plugins)
      throws Exception {
    MetadataTestServer server = new MetadataTestServer();
    server.open(root, extraUsage, plugins);
    return server;
  }

  public static MetadataTestServer perTest() {
    return new MetadataTestServer();
  }

  @Override
  public void beforeEach(ExtensionContext context) throws Exception {
    ownRoot = Files.createTempDirectory("berth-metadata");
    open(ownRoot, List.of(), List::of);
  }

  /** Runs after a failed start too. */
  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    try {
      close();
    } finally {
      FileTrees.deleteRecursively(ownRoot);
    }
  }

  private void open(Path root, List<NamespaceUsage> extraUsage, Supplier<List<Plugin>> plugins) throws Exception {
    store = MetadataStore.open(root.resolve("metadata.db"));
    try {
      MetadataServices metadata = new MetadataServices(root, store, extraUsage, plugins,
          new GarbageCollectionRequests() {
            @Override
            public void collectNow() {
              collections.add("now");
            }

            @Override
            public void collectSoon() {
              collections.add("soon");
            }
          });
      grpc = InProcessServices.start(metadata.services().toArray(BindableService[]::new));
    } catch (Exception | Error e) {
      store.close();
      throw e;
    }
  }

  /** The channel without a namespace header. */
  public Channel channel() {
    return grpc.channel();
  }

  public Channel inNamespace(String namespace) {
    return grpc.inNamespace(namespace);
  }

  /** Subscribes to events with {@code filters}; cancel it with {@link Subscription#close()}. */
  public Subscription subscribe(String... filters) {
    Subscription s = new Subscription();
    EventsGrpc.newStub(channel()).subscribe(SubscribeRequest.newBuilder().addAllFilters(List.of(filters)).build(), s);
    return s;
  }

  @Override
  public void close() throws Exception {
    try {
      if (grpc != null) {
        grpc.close();
      }
    } finally {
      if (store != null) {
        store.close();
      }
    }
  }

  /** A manifest-like descriptor of {@code content}. */
  public static Descriptor target(String content) {
    return Descriptor.newBuilder()
        .setMediaType("application/vnd.oci.image.manifest.v1+json")
        .setDigest(Digests.sha256(content.getBytes(StandardCharsets.UTF_8)))
        .setSize(content.length())
        .build();
  }

  /** The payload of an event, checking its containerd-style type URL (the bare message name). */
  @SuppressWarnings("unchecked")
  public static <T extends Message> T payload(Envelope envelope, T exemplar) throws InvalidProtocolBufferException {
    assertEquals(exemplar.getDescriptorForType().getFullName(), envelope.getEvent().getTypeUrl());
    return (T) exemplar.getParserForType().parseFrom(envelope.getEvent().getValue());
  }

  public static StatusRuntimeException assertCode(Status.Code expected, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(expected, e.getStatus().getCode(), () -> "status was " + e.getStatus());
    return e;
  }

  /** Envelopes received by one Subscribe call. */
  public static final class Subscription implements ClientResponseObserver<SubscribeRequest, Envelope>, AutoCloseable {
    private final BlockingQueue<Envelope> received = new LinkedBlockingQueue<>();
    private final CompletableFuture<Status> end = new CompletableFuture<>();
    private ClientCallStreamObserver<SubscribeRequest> call;

    @Override
    public void beforeStart(ClientCallStreamObserver<SubscribeRequest> requestStream) {
      this.call = requestStream;
    }

    @Override
    public void onNext(Envelope value) {
      received.add(value);
    }

    @Override
    public void onError(Throwable t) {
      end.complete(Status.fromThrowable(t));
    }

    @Override
    public void onCompleted() {
      end.complete(Status.OK);
    }

    /** The next envelope, failing the test if none comes within seconds. */
    public Envelope next() throws InterruptedException {
      Envelope e = received.poll(5, TimeUnit.SECONDS);
      if (e == null) {
        throw new AssertionError("no event arrived");
      }
      return e;
    }

    /** Envelopes received so far and not yet taken. */
    public List<Envelope> pending() {
      List<Envelope> out = new ArrayList<>();
      received.drainTo(out);
      return out;
    }

    /** How the server ended the stream. */
    public Status awaitEnd() throws Exception {
      return end.get(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
      call.cancel("test done", null);
    }
  }
}
