package dev.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.Digests;
import dev.berth.api.testing.LoopbackRegistry;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import dev.berth.client.testing.TestLayer;
import dev.berth.e2e.PrivateBerthd.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stock {@code ctr} pulls from and pushes to a registry itself, and keeps what it pulls in berthd
 * through the content, images, leases, snapshots and diff APIs: pulls into berthd, runs what it
 * pulled (OCI and Docker media types), pushes it back byte for byte, and resumes an ingest a killed
 * pull left. The registry is Debian's docker-registry on 127.0.0.1, seeded by skopeo with the
 * tests' busybox images.
 */
class CtrPullAndPushTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static PrivateBerthd berthd;
  private static LoopbackRegistry registry;
  private static LoopbackRegistry otherRegistry;
  /** A second layer of its own, so no other test's pull has its blob. */
  private static final TestImage RESUMED = TestImage.builder("resumed").layer(TestImages.busyboxLayer())
      .layer(new TestLayer().dir("srv", 0755).file("srv/noise.bin", noise(2 << 20), 0644)).build();

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(LoopbackRegistry.available(), "docker-registry and skopeo are not installed");
    berthd = PrivateBerthd.start();
    registry = LoopbackRegistry.start();
    otherRegistry = LoopbackRegistry.start();
    Path work = berthd.work();
    registry.pushOciArchive(TestImages.busybox().writeOciArchive(work.resolve("busybox.tar")), "busybox:1");
    registry.pushOciArchive(TestImages.busyboxLayered().writeOciArchive(work.resolve("layered.tar")), "layered:1");
    registry.pushOciArchive(RESUMED.writeOciArchive(work.resolve("resumed.tar")), "resumed:1");
    registry.pushOciArchiveAsDockerSchema2(work.resolve("busybox.tar"), "busybox-docker:1");
  }

  @AfterAll
  static void stop() throws Exception {
    try (AutoCloseable a = berthd; AutoCloseable b = registry; AutoCloseable c = otherRegistry) {
      // closes all three, also when one fails
    }
  }

  private static Result ctr(String namespace, String... args) throws Exception {
    return berthd.ctr(namespace, null, args);
  }

  private static Result ok(String namespace, String... args) throws Exception {
    Result r = ctr(namespace, args);
    assertEquals(0, r.exit(), () -> "ctr " + String.join(" ", args) + " -> " + r + "\nberthd: " + berthd.log());
    return r;
  }

  private static Set<String> lines(String out) {
    return out.lines().map(String::strip).filter(l -> !l.isEmpty()).collect(Collectors.toSet());
  }

  /** The first column of a table ctr prints, less its header. */
  private static Set<String> firstColumn(String table) {
    return table.lines().skip(1).map(l -> l.split("\\s+")[0]).collect(Collectors.toSet());
  }

  private static JsonNode manifest(LoopbackRegistry from, String repository, String reference) throws Exception {
    return JSON.readTree(from.manifest(repository, reference));
  }

  /** The config and layer descriptors of a manifest. */
  private static List<JsonNode> blobsOf(JsonNode manifest) {
    List<JsonNode> blobs = new ArrayList<>(List.of(manifest.get("config")));
    manifest.get("layers").forEach(blobs::add);
    return blobs;
  }

  @Test
  void pullListsRunsAndPullsAgainWithEverythingPresent() throws Exception {
    String ns = "ctrpull";
    String ref = registry.reference("busybox:1");
    ok(ns, "images", "pull", "--plain-http", ref);

    assertEquals(Set.of(ref), lines(ok(ns, "images", "ls", "-q").out()));
    String check = ok(ns, "images", "check").out();
    assertTrue(check.contains("complete (2/2)") && check.strip().endsWith("true"), "complete and unpacked: " + check);
    JsonNode manifest = manifest(registry, "busybox", "1");
    Set<String> blobs = blobsOf(manifest).stream().map(d -> d.get("digest").asText()).collect(Collectors.toSet());
    blobs.add(registry.manifestDigest("busybox", "1"));
    assertEquals(blobs, lines(ok(ns, "content", "ls", "-q").out()));
    assertEquals("pulled-by-ctr\n", ok(ns, "run", "--rm", ref, "ctrpull-run", "echo", "pulled-by-ctr").out());

    // everything is present now: ctr finds each blob there, and the image is updated, not refused
    ok(ns, "images", "pull", "--plain-http", ref);
    ok(ns, "images", "pull", "--plain-http", "--all-platforms", ref);
    assertEquals(Set.of(ref), lines(ok(ns, "images", "ls", "-q").out()));
    assertEquals(blobs, lines(ok(ns, "content", "ls", "-q").out()));
    assertEquals(Set.of(TestImages.busybox().topChainId()), firstColumn(ok(ns, "snapshots", "ls").out()));
    assertEquals(Set.of(), lines(ok(ns, "leases", "ls", "-q").out()), "ctr's pull leases are gone");
    assertEquals(1, ok(ns, "content", "active").out().lines().count(), "no ingest left, only the header");
  }

  @Test
  void layersPulledByCtrUnpackIntoTheirChainWithWhiteouts() throws Exception {
    String ns = "ctrlayers";
    String ref = registry.reference("layered:1");
    ok(ns, "images", "pull", "--plain-http", ref);
    String snapshots = ok(ns, "snapshots", "ls").out();
    for (String chainId : TestImages.busyboxLayered().chainIds()) {
      assertTrue(snapshots.contains(chainId), () -> chainId + " in " + snapshots);
    }
    String out = ok(ns, "run", "--rm", ref, "ctrlayers-run", "sh", "-c",
        "cat /srv/data/new.txt; ls -A /srv/data; test -e /etc/motd || echo motd-gone; cat /srv/readme.txt").out();
    assertEquals("new\nnew.txt\nmotd-gone\nkept\n", out);
  }

  @Test
  void dockerSchema2ImagesPullAndRun() throws Exception {
    String ns = "ctrdocker";
    String ref = registry.reference("busybox-docker:1");
    ok(ns, "images", "pull", "--plain-http", ref);
    JsonNode manifest = manifest(registry, "busybox-docker", "1");
    assertEquals("application/vnd.docker.image.rootfs.diff.tar.gzip",
        manifest.get("layers").get(0).get("mediaType").asText());
    assertTrue(ok(ns, "images", "ls").out().contains("application/vnd.docker.distribution.manifest.v2+json"));
    assertEquals("docker-types\n", ok(ns, "run", "--rm", ref, "ctrdocker-run", "echo", "docker-types").out());
  }

  @Test
  void pushToAnotherRepositoryAndAnotherRegistryIsByteIdentical() throws Exception {
    String ns = "ctrpush";
    String source = registry.reference("layered:1");
    ok(ns, "images", "pull", "--plain-http", source);
    String digest = registry.manifestDigest("layered", "1");
    JsonNode manifest = manifest(registry, "layered", "1");
    // the same registry mounts the blobs from the repository they came from; the other one
    // receives every byte from berthd's content store
    for (LoopbackRegistry target : List.of(registry, otherRegistry)) {
      String pushed = target.reference("pushed/layered:2");
      ok(ns, "images", "tag", source, pushed);
      ok(ns, "images", "push", "--plain-http", pushed);
      assertEquals(digest, target.manifestDigest("pushed/layered", "2"), pushed);
      for (JsonNode blob : blobsOf(manifest)) {
        byte[] bytes = target.blob("pushed/layered", blob.get("digest").asText());
        assertEquals(blob.get("digest").asText(), Digests.sha256(bytes), pushed);
        assertEquals(blob.get("size").asLong(), bytes.length, pushed);
      }
    }
    assertEquals(digest, otherRegistry.manifestDigest("pushed/layered", "2"));
  }

  @Test
  void aPullResumesTheIngestAKilledPullLeft() throws Exception {
    String ns = "ctrresume";
    JsonNode manifest = manifest(registry, "resumed", "1");
    JsonNode top = manifest.get("layers").get(1);
    String digest = top.get("digest").asText();
    byte[] blob = registry.blob("resumed", digest);
    // the first half of the layer under the ref ctr's pull writes it with; short of the expected
    // size, the commit fails and the ingest stays, as a killed pull leaves it
    Path half = Files.write(berthd.work().resolve("half"), Arrays.copyOf(blob, blob.length / 2));
    String ingestRef = "layer-" + digest;
    Result partial = berthd.ctr(ns, half, "content", "ingest", "--expected-size", String.valueOf(blob.length),
        "--expected-digest", digest, ingestRef);
    assertNotEquals(0, partial.exit(), partial::toString);
    assertTrue(ok(ns, "content", "active").out().contains(ingestRef), "the half-written ingest stays");

    ok(ns, "images", "pull", "--plain-http", registry.reference("resumed:1"));
    assertTrue(!ok(ns, "content", "active").out().contains(ingestRef), "the ingest is committed");
    assertTrue(lines(ok(ns, "content", "ls", "-q").out()).contains(digest));
    assertEquals(RESUMED.topChainId(), ok(ns, "images", "pull", "--plain-http", "--print-chainid",
        registry.reference("resumed:1")).out().lines().filter(l -> l.startsWith("image chain ID: "))
        .map(l -> l.substring("image chain ID: ".length())).findFirst().orElseThrow());
    assertEquals("2097152 /srv/noise.bin\n", ok(ns, "run", "--rm", registry.reference("resumed:1"), "ctrresume-run",
        "busybox", "wc", "-c", "/srv/noise.bin").out());
  }

  /** Bytes that do not compress, the same in every run. */
  private static byte[] noise(int size) {
    byte[] bytes = new byte[size];
    new Random(12).nextBytes(bytes);
    return bytes;
  }
}
