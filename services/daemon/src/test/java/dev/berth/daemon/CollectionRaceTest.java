package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.gc.v1.CollectRequest;
import berth.gc.v1.GarbageCollectorGrpc;
import dev.berth.api.Digests;
import dev.berth.api.content.Blobs;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.Channels;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import dev.berth.client.testing.TestLayer;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Collections back to back while stock {@code ctr} imports ten images and runs ten containers at
 * once: every image's blobs are there and hash to their digests, every image runs, and every
 * container ran. What a client writes under its lease, or hands on to an image or a container
 * record, is never collected.
 */
class CollectionRaceTest {
  private static final String NS = "race";
  private static final int IMPORTS = 10;
  private static final int RUNS = 10;
  @RegisterExtension
  static final TestBerthd berthd = new TestBerthd();
  @TempDir static Path dir;

  @AfterAll
  static void removeContainers() throws Exception {
    for (int i = 0; i < RUNS; i++) {
      berthd.ctr(null, 30, "-n", NS, "task", "rm", "-f", "racer-" + i);
      berthd.ctr(null, 30, "-n", NS, "containers", "rm", "racer-" + i);
    }
  }

  private static TestImage image(int i) {
    return TestImage.builder("docker.io/library/race-" + i + ":latest").layer(TestImages.busyboxLayer())
        .layer(new TestLayer().file("id", "image " + i + "\n")).build();
  }

  @Test
  void importsAndContainerCreatesLoseNothingToConcurrentCollections() throws Exception {
    List<Path> archives = new ArrayList<>();
    for (int i = 0; i < IMPORTS; i++) {
      archives.add(image(i).writeDockerArchive(dir.resolve("race-" + i + ".tar")));
    }
    Path busybox = TestImages.busybox().writeDockerArchive(dir.resolve("busybox.tar"));
    assertEquals(0, berthd.ctr(null, 120, "-n", NS, "images", "import", busybox.toString()).exit());

    ManagedChannel channel = Channels.unix(berthd.socket());
    ExecutorService pool = Executors.newCachedThreadPool();
    AtomicBoolean racing = new AtomicBoolean(true);
    AtomicInteger collections = new AtomicInteger();
    try {
      Future<?> collector = pool.submit(() -> {
        while (racing.get()) {
          GarbageCollectorGrpc.newBlockingStub(channel).collect(CollectRequest.getDefaultInstance());
          collections.incrementAndGet();
        }
        return null;
      });
      List<Future<Processes.Result>> jobs = new ArrayList<>();
      for (int i = 0; i < IMPORTS; i++) {
        String archive = archives.get(i).toString();
        jobs.add(pool.submit(ctr("-n", NS, "images", "import", archive)));
      }
      for (int i = 0; i < RUNS; i++) {
        jobs.add(pool.submit(ctr("-n", NS, "run", TestImages.BUSYBOX_NAME, "racer-" + i, "echo", "ran " + i)));
      }
      for (int i = 0; i < jobs.size(); i++) {
        Processes.Result r = jobs.get(i).get();
        assertEquals(0, r.exit(), r::toString);
        if (i >= IMPORTS) {
          assertEquals("ran " + (i - IMPORTS) + "\n", r.out());
        }
      }
      racing.set(false);
      collector.get();
      assertTrue(collections.get() > 1, "collections ran meanwhile: " + collections.get());
      // and once more, with everything settled
      GarbageCollectorGrpc.newBlockingStub(channel).collect(CollectRequest.getDefaultInstance());

      GrpcContentStore store = new GrpcContentStore(channel);
      Blobs blobs = new Blobs(store, NS, null);
      Set<String> content = store.list(NS, Filter.parse(List.of())).stream().map(ContentInfo::digest)
          .collect(Collectors.toSet());
      for (String digest : content) {
        assertEquals(digest, Digests.sha256(blobs.read(digest, 64 << 20)), "blob " + digest);
      }
      Set<String> snapshots = column(ok("-n", NS, "snapshots", "ls"));
      for (int i = 0; i < IMPORTS; i++) {
        TestImage image = image(i);
        assertTrue(content.contains(image.configDigest()), "config of " + image.name());
        assertTrue(snapshots.containsAll(image.chainIds()), "snapshots of " + image.name());
        assertEquals("image " + i + "\n",
            ok("-n", NS, "run", "--rm", image.name(), "check-" + i, "cat", "/id"), image.name() + " runs");
      }
      for (int i = 0; i < RUNS; i++) {
        assertTrue(snapshots.contains("racer-" + i), "the snapshot of container racer-" + i);
      }
    } finally {
      racing.set(false);
      pool.shutdownNow();
      channel.shutdownNow();
    }
  }

  private static Callable<Processes.Result> ctr(String... args) {
    return () -> berthd.ctr(null, 180, args);
  }

  private static String ok(String... args) throws Exception {
    Processes.Result r = berthd.ctr(null, 120, args);
    assertEquals(0, r.exit(), r::toString);
    return r.out();
  }

  private static Set<String> column(String listing) {
    return listing.lines().skip(1).map(l -> l.split("\\s+")[0]).collect(Collectors.toSet());
  }
}
