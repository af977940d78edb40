package dev.berth.content.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.berth.common.testing.NoLeases;
import dev.berth.api.Digests;
import dev.berth.api.filter.Filter;
import dev.berth.api.grpc.BerthException;
import dev.berth.common.store.MetadataStore;
import dev.berth.api.content.ContentInfo;
import dev.berth.api.content.ContentWriter;
import io.grpc.Status.Code;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's files on disk: where blobs and ingests live, and that no request escapes them. */
class FileContentStoreTest {
  @TempDir Path root;
  private MetadataStore metadata;
  private FileContentStore store;

  @BeforeEach
  void open() throws Exception {
    metadata = MetadataStore.open(root.resolve("metadata.db"));
    store = new FileContentStore(root, metadata, (ns, topic, event) -> { }, ns -> { }, new NoLeases());
  }

  @AfterEach
  void close() {
    metadata.close();
  }

  private static ByteString bytes(String s) {
    return ByteString.copyFromUtf8(s);
  }

  private static Code code(Runnable r) {
    return assertThrows(BerthException.class, r::run).code();
  }

  private Set<Path> filesUnder(Path dir) throws Exception {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).map(dir::relativize).collect(Collectors.toSet());
    }
  }

  @Test
  void aCommittedBlobIsAReadOnlyFileNamedByItsDigest() throws Exception {
    String digest = Digests.sha256("layer".getBytes(StandardCharsets.UTF_8));
    try (ContentWriter w = store.writer("ns", "ref", null)) {
      w.declare(5, digest);
      w.write(0, bytes("layer"));
      ContentInfo info = w.commit(Map.of("a", "b"));
      assertEquals(new ContentInfo(digest, 5, info.createdAt(), info.createdAt(), Map.of("a", "b")), info);
    }
    Path blob = root.resolve("content/blobs/sha256").resolve(Digests.hex(digest));
    assertEquals("layer", Files.readString(blob));
    assertEquals(PosixFilePermissions.fromString("r--r--r--"), Files.getPosixFilePermissions(blob));
    try (SeekableByteChannel ch = store.open("ns", digest)) {
      ByteBuffer buf = ByteBuffer.allocate(16);
      ch.read(buf);
      assertEquals("layer", new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8));
    }
    assertEquals(Set.of(), filesUnder(root.resolve("content/ingest")));
  }

  @Test
  void anIngestLivesInADirectoryNamedByAHashNeverByItsRef() throws Exception {
    String ref = "../../../../escape/" + "x".repeat(200);
    try (ContentWriter w = store.writer("ns", ref, null)) {
      w.write(0, bytes("partial"));
      w.checkpoint();
    }
    try (Stream<Path> top = Files.list(root)) {
      assertEquals(Set.of("content", "metadata.db"),
          top.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("metadata.db-")).collect(Collectors.toSet()));
    }
    List<Path> dirs;
    try (Stream<Path> list = Files.list(root.resolve("content/ingest"))) {
      dirs = list.toList();
    }
    assertEquals(1, dirs.size());
    assertTrue(dirs.get(0).getFileName().toString().matches("[0-9a-f]{64}"));
    assertEquals(Set.of(Path.of("data"), Path.of("meta.json")), filesUnder(dirs.get(0)));
    var meta = new ObjectMapper().readTree(dirs.get(0).resolve("meta.json").toFile());
    assertEquals(ref, meta.get("ref").asText());
    assertEquals("ns", meta.get("namespace").asText());
    assertEquals(7, store.status("ns", ref).offset());
  }

  @Test
  void aDirectoryLeftWithoutMetadataCountsAsAbsentAndIsReset() throws Exception {
    try (ContentWriter w = store.writer("ns", "ref", null)) {
      w.write(0, bytes("stale"));
      w.checkpoint();
    }
    Path dir;
    try (Stream<Path> list = Files.list(root.resolve("content/ingest"))) {
      dir = list.findFirst().orElseThrow();
    }
    // What a crash half-way through removing the ingest leaves.
    Files.delete(dir.resolve("meta.json"));
    assertEquals(Code.NOT_FOUND, code(() -> store.status("ns", "ref")));
    assertEquals(List.of(), store.listStatuses("ns", Filter.parse(List.of())));
    try (ContentWriter w = store.writer("ns", "ref", null)) {
      assertEquals(0, w.status().offset());
      assertEquals(Digests.sha256(new byte[0]), w.digest());
    }
  }

  @Test
  void malformedDigestsNeverReachTheFilesystem() {
    for (String bad : new String[] {"sha256:../../metadata.db", "sha256:zz", "md5:abc", ""}) {
      assertEquals(Code.INVALID_ARGUMENT, code(() -> store.info("ns", bad)), bad);
      assertEquals(Code.INVALID_ARGUMENT, code(() -> store.open("ns", bad)), bad);
      assertEquals(Code.INVALID_ARGUMENT, code(() -> store.delete("ns", bad)), bad);
    }
    assertEquals(Code.INVALID_ARGUMENT, code(() -> store.writer("ns", "", null)));
    assertEquals(Code.INVALID_ARGUMENT, code(() -> store.writer("ns", "r".repeat(2000), null)));
  }

  @Test
  void concurrentCommitsOfTheSameBlobInTwoNamespacesShareOneFile() throws Exception {
    byte[] data = new byte[4 << 20];
    new java.util.Random(3).nextBytes(data);
    String digest = Digests.sha256(data);
    ExecutorService threads = Executors.newFixedThreadPool(2);
    try {
      List<Callable<ContentInfo>> commits = Stream.of("one", "two").<Callable<ContentInfo>>map(ns -> () -> {
        try (ContentWriter w = store.writer(ns, "same", null)) {
          w.declare(data.length, digest);
          w.write(0, ByteString.copyFrom(data));
          return w.commit(Map.of());
        }
      }).toList();
      for (Future<ContentInfo> f : threads.invokeAll(commits)) {
        assertEquals(data.length, f.get().size());
      }
    } finally {
      threads.shutdownNow();
    }
    assertArrayEquals(data, Files.readAllBytes(root.resolve("content/blobs/sha256").resolve(Digests.hex(digest))));
    store.delete("one", digest);
    assertEquals(data.length, store.info("two", digest).size());
    store.delete("two", digest);
    assertFalse(Files.exists(root.resolve("content/blobs/sha256").resolve(Digests.hex(digest))));
  }

  @Test
  void sweepDeletesRecordsInOneGoAndFilesWithTheirLastRecordAndRemovesOrphanedFilesAtStart() throws Exception {
    String shared = commit("a", "shared");
    commit("b", "shared");
    String alone = commit("a", "alone");
    Files.write(root.resolve("content/blobs/sha256").resolve("0".repeat(64)), new byte[] {1});

    Thread.sleep(2);
    List<ContentInfo> swept = store.sweep("a", List.of(shared, alone, Digests.sha256(new byte[0])), Instant.now());
    assertEquals(List.of(shared, alone), swept.stream().map(ContentInfo::digest).toList(), "what a held is swept");
    assertTrue(store.list("a", Filter.parse(List.of())).isEmpty());
    assertTrue(Files.exists(root.resolve("content/blobs/sha256").resolve(Digests.hex(shared))), "b still holds it");
    assertFalse(Files.exists(root.resolve("content/blobs/sha256").resolve(Digests.hex(alone))));

    store.removeUnrecordedBlobs();
    try (Stream<Path> files = Files.list(root.resolve("content/blobs/sha256"))) {
      assertEquals(Set.of(Digests.hex(shared)), files.map(f -> f.getFileName().toString()).collect(Collectors.toSet()),
          "a file no record names goes at start");
    }
  }

  @Test
  void sweepSparesBlobsLeasedSinceTheCollectionBegan() throws Exception {
    String leased = commit("a", "leased");
    String found = commit("a", "found");
    String read = commit("a", "read");
    Thread.sleep(2);
    Instant collectionStart = Instant.now();
    // while the collector marks: an ingest of content that exists joins the client's lease, as
    // `ctr images import` of an image already there does; so does an Info under a lease, as a
    // pull that finds a layer there makes; a look without a lease protects nothing
    try (ContentWriter w = store.writer("a", "ref-again", "import-lease")) {
      assertEquals(Code.ALREADY_EXISTS, code(() -> w.declare(6, leased)));
    }
    assertEquals(5, store.info("a", found, "pull-lease").size());
    store.info("a", read);

    List<ContentInfo> swept = store.sweep("a", List.of(leased, found, read), collectionStart);
    assertEquals(List.of(read), swept.stream().map(ContentInfo::digest).toList());
    assertEquals(6, store.info("a", leased).size());
    assertEquals(5, store.info("a", found).size());

    Thread.sleep(2);
    assertEquals(List.of(leased, found), store.sweep("a", List.of(leased, found), Instant.now()).stream()
        .map(ContentInfo::digest).toList(), "a later collection takes what is still unreferenced");
  }

  private String commit(String namespace, String data) throws Exception {
    try (ContentWriter w = store.writer(namespace, "ref-" + data, null)) {
      w.write(0, bytes(data));
      return w.commit(Map.of()).digest();
    }
  }
}
