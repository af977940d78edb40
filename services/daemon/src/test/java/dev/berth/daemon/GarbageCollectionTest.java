package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.gc.v1.CollectRequest;
import berth.gc.v1.CollectResponse;
import berth.gc.v1.GarbageCollectorGrpc;
import berth.gc.v1.Removed;
import com.google.protobuf.ByteString;
import containerd.events.ContentDelete;
import containerd.events.SnapshotRemove;
import containerd.services.events.v1.Envelope;
import containerd.services.events.v1.EventsGrpc;
import containerd.services.events.v1.SubscribeRequest;
import containerd.services.leases.v1.CreateRequest;
import containerd.services.leases.v1.DeleteRequest;
import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.leases.v1.ListRequest;
import containerd.services.snapshots.v1.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import dev.berth.api.content.Blobs;
import dev.berth.api.content.ContentWriter;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Channels;
import dev.berth.api.labels.GcLabels;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's reproductions with stock {@code ctr} against berthd, each in a namespace of its own,
 * ending clean after a synchronous collection; and the collector's rules (roots, gc.ref labels,
 * leases and their expiry, malformed labels, events) on blobs and snapshots written through the
 * APIs.
 */
class GarbageCollectionTest {
  private static final Duration INGEST_EXPIRY = Duration.ofSeconds(3);
  @RegisterExtension
  static final TestBerthd berthd = new TestBerthd(INGEST_EXPIRY);
  @TempDir static Path dir;
  private static ManagedChannel channel;

  @BeforeAll
  static void connect() {
    channel = Channels.unix(berthd.socket());
  }

  @AfterAll
  static void disconnect() {
    channel.shutdownNow();
  }

  private static Processes.Result ctr(String... args) throws Exception {
    return berthd.ctr(null, 120, args);
  }

  private static String ok(String... args) throws Exception {
    Processes.Result r = ctr(args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + ": " + r);
    return r.out();
  }

  private static CollectResponse collect() {
    return GarbageCollectorGrpc.newBlockingStub(channel).collect(CollectRequest.getDefaultInstance());
  }

  /** The first column of a ctr listing, without its header. */
  private static Set<String> column(String listing) {
    return listing.lines().skip(1).map(l -> l.split("\\s+")[0]).collect(Collectors.toSet());
  }

  private static Set<String> blobFiles() throws Exception {
    try (var files = Files.list(berthd.root().resolve("content/blobs/sha256"))) {
      return files.map(f -> "sha256:" + f.getFileName()).collect(Collectors.toSet());
    }
  }

  @Test
  void imagesRmSyncRemovesTheImagesBlobsAndSnapshotsButWhatAnotherImageShares() throws Exception {
    TestImage busybox = TestImages.busybox();
    TestImage layered = TestImages.busyboxLayered();
    ok("-n", "gc-rmi", "images", "import", busybox.writeDockerArchive(dir.resolve("bb.tar")).toString());
    ok("-n", "gc-rmi", "images", "import", layered.writeDockerArchive(dir.resolve("layered.tar")).toString());
    Set<String> before = column(ok("-n", "gc-rmi", "content", "ls"));
    assertTrue(before.contains(busybox.configDigest()));
    String base = busybox.topChainId();
    assertEquals(base, layered.chainIds().get(0), "the images share their base layer");

    ok("-n", "gc-rmi", "images", "rm", "--sync", TestImages.BUSYBOX_NAME);
    Set<String> content = column(ok("-n", "gc-rmi", "content", "ls"));
    assertFalse(content.contains(busybox.configDigest()), "busybox's own config went");
    assertTrue(content.contains(layered.configDigest()));
    assertTrue(column(ok("-n", "gc-rmi", "snapshots", "ls")).containsAll(layered.chainIds()),
        "the shared base snapshot and the layered image's stay");

    ok("-n", "gc-rmi", "images", "rm", "--sync", TestImages.LAYERED_NAME);
    assertEquals(Set.of(), column(ok("-n", "gc-rmi", "content", "ls")));
    assertEquals(Set.of(), column(ok("-n", "gc-rmi", "snapshots", "ls")));
    // blob files are shared between namespaces: those no other namespace holds are gone
    Set<String> elsewhere = new HashSet<>();
    for (String ns : column(ok("namespaces", "ls"))) {
      if (!ns.equals("gc-rmi")) {
        elsewhere.addAll(column(ok("-n", ns, "content", "ls")));
      }
    }
    Set<String> files = blobFiles();
    before.stream().filter(d -> !elsewhere.contains(d))
        .forEach(d -> assertFalse(files.contains(d), d + " still has its file"));
    assertFalse(files.contains(layered.configDigest()));
  }

  @Test
  void aRefusedCtrRunLeavesNoSnapshot() throws Exception {
    TestImage busybox = TestImages.busybox();
    ok("-n", "gc-run", "images", "import", busybox.writeDockerArchive(dir.resolve("run.tar")).toString());
    Processes.Result refused = ctr("-n", "gc-run", "run", TestImages.BUSYBOX_NAME, "../evil", "true");
    assertNotEquals(0, refused.exit(), refused::toString);
    collect();
    Set<String> snapshots = column(ok("-n", "gc-run", "snapshots", "ls"));
    assertFalse(snapshots.contains("../evil"), snapshots::toString);
    assertTrue(snapshots.contains(busybox.topChainId()), "the image's snapshot stays");
  }

  @Test
  void abandonedIngestsGoOnlyAfterTheirExpiry() throws Exception {
    GrpcContentStore store = new GrpcContentStore(channel);
    byte[] data = "half of a blob".getBytes(StandardCharsets.UTF_8);
    ContentWriter writer = store.writer("gc-ingest", "abandoned", null);
    writer.declare(2L * data.length, "");
    writer.write(0, ByteString.copyFrom(data));
    writer.checkpoint();
    writer.close();
    assertTrue(removedIn(collect(), "gc-ingest").isEmpty(), "a fresh ingest stays");
    assertEquals(1, store.listStatuses("gc-ingest", Filter.parse(List.of())).size());

    Thread.sleep(INGEST_EXPIRY.toMillis() + 500);
    List<Removed> removed = removedIn(collect(), "gc-ingest");
    assertEquals(List.of("ingests abandoned"), removed.stream().map(r -> r.getType() + " " + r.getId()).toList());
    assertEquals(data.length, removed.get(0).getSize());
    assertTrue(store.listStatuses("gc-ingest", Filter.parse(List.of())).isEmpty());
  }

  @Test
  void rootsLabelsLeasesAndExpiryDecideWhatStaysAndRemovalsAreAnnounced() throws Exception {
    String ns = "gc-rules";
    LeasesGrpc.LeasesBlockingStub leases = LeasesGrpc.newBlockingStub(Channels.inNamespace(channel, ns));
    leases.create(CreateRequest.newBuilder().setId("writing").build());
    leases.create(CreateRequest.newBuilder().setId("live").build());
    // expires once its blob is written (collections may run any time meanwhile)
    Instant expiry = Instant.now().plusSeconds(2);
    leases.create(CreateRequest.newBuilder().setId("expired").putLabels(GcLabels.EXPIRE, expiry.toString()).build());
    GrpcContentStore store = new GrpcContentStore(channel);
    Blobs writing = new Blobs(store, ns, "writing");
    String child = writing.write("child", bytes("child"), Map.of()).digest();
    String grandchild = writing.write("grandchild", bytes("grandchild"), Map.of()).digest();
    String viaLabel = writing.write("parent", bytes("parent"),
        Map.of(GcLabels.ROOT, "2026-01-01", GcLabels.CONTENT_PREFIX + "x", child)).digest();
    writing.label(child, Map.of(GcLabels.LAYER_PREFIX + "0", grandchild));
    String malformed = writing.write("malformed", bytes("malformed"), Map.of(
        GcLabels.CONTENT_PREFIX + "evil", "../../../etc/passwd",
        GcLabels.SNAPSHOT_PREFIX + "nosuch", "../evil",
        GcLabels.SNAPSHOT_PREFIX + "overlayfs", "")).digest();
    String leased = new Blobs(store, ns, "live").write("leased", bytes("leased"), Map.of()).digest();
    String expired = new Blobs(store, ns, "expired").write("expired", bytes("expired"), Map.of()).digest();
    Thread.sleep(Math.max(0, Duration.between(Instant.now(), expiry).toMillis() + 100));
    SnapshotsGrpc.SnapshotsBlockingStub snapshots = SnapshotsGrpc.newBlockingStub(
        Channels.withLease(Channels.inNamespace(channel, ns), "writing"));
    snapshots.prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter("overlayfs").setKey("orphan").build());
    snapshots.prepare(PrepareSnapshotRequest.newBuilder().setSnapshotter("overlayfs").setKey("kept")
        .putLabels(GcLabels.ROOT, "yes").build());

    BlockingQueue<Envelope> events = new LinkedBlockingQueue<>();
    Context.CancellableContext subscription = Context.current().withCancellation();
    subscription.run(() -> EventsGrpc.newStub(channel).subscribe(SubscribeRequest.newBuilder()
        .addFilters("namespace==" + ns + ",topic==\"/content/delete\"")
        .addFilters("namespace==" + ns + ",topic==\"/snapshot/remove\"").build(), collecting(events)));
    try {
      // sync: the lease's blobs are collected by the time Delete answers
      leases.delete(DeleteRequest.newBuilder().setId("writing").setSync(true).build());
      Set<String> content = store.list(ns, Filter.parse(List.of())).stream()
          .map(i -> i.digest()).collect(Collectors.toSet());
      assertEquals(Set.of(viaLabel, child, grandchild, leased), content);
      assertFalse(content.contains(malformed), "malformed labels keep nothing");
      assertFalse(content.contains(expired), "an expired lease protects nothing");
      assertEquals(List.of("live"), leases.list(ListRequest.getDefaultInstance())
          .getLeasesList().stream().map(l -> l.getId()).toList(), "the expired lease went too");
      assertEquals(Set.of("kept"), column(ok("-n", ns, "snapshots", "ls")));

      Set<String> announced = new HashSet<>();
      for (int i = 0; i < 3; i++) {
        Envelope e = events.poll(10, TimeUnit.SECONDS);
        assertTrue(e != null, "events so far: " + announced);
        announced.add(e.getTopic().equals("/content/delete")
            ? ContentDelete.parseFrom(e.getEvent().getValue()).getDigest()
            : SnapshotRemove.parseFrom(e.getEvent().getValue()).getKey());
      }
      assertEquals(Set.of(malformed, expired, "orphan"), announced);
    } finally {
      subscription.cancel(null);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static List<Removed> removedIn(CollectResponse r, String namespace) {
    return r.getRemovedList().stream().filter(x -> x.getNamespace().equals(namespace)).toList();
  }

  private static StreamObserver<Envelope> collecting(BlockingQueue<Envelope> into) {
    return new StreamObserver<>() {
      @Override
      public void onNext(Envelope e) {
        into.add(e);
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {}
    };
  }
}
