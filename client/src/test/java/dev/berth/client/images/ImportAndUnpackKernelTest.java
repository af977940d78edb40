package dev.berth.client.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import containerd.services.snapshots.v1.Info;
import containerd.services.snapshots.v1.Kind;
import dev.berth.api.Digests;
import dev.berth.api.content.Blobs;
import dev.berth.api.labels.GcLabels;
import dev.berth.client.leases.Lease;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import dev.berth.linux.Xattrs;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives imported through the real Content, Images, Leases, Snapshots and Diff services on a
 * Unix socket, unpacked onto overlayfs, and looked at through a kernel mount. Needs root.
 */
class ImportAndUnpackKernelTest {
  private static final TestImage BUSYBOX = TestImages.busybox();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;
  private ImageStack stack;

  @BeforeEach
  void start() throws Exception {
    stack = new ImageStack(dir, "import-test");
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  @Test
  void dockerArchiveBecomesADockerManifestImageUnpackedUnderItsChainId() throws Exception {
    ImportResult result = stack.images.importArchive(new ByteArrayInputStream(BUSYBOX.dockerArchive()),
        ImportOptions.defaults());

    assertEquals(1, result.images().size());
    Image image = result.images().get(0).image();
    assertEquals(TestImages.BUSYBOX_NAME, image.name(), "RepoTag busybox:latest is normalized");
    assertEquals(MediaTypes.DOCKER_MANIFEST, image.target().mediaType());
    assertEquals(Map.of(Descriptor.IMAGE_NAME_ANNOTATION, TestImages.BUSYBOX_NAME,
        Descriptor.REF_NAME_ANNOTATION, "latest"), image.target().annotations());
    assertEquals(BUSYBOX.topChainId(), result.images().get(0).snapshot().orElseThrow());
    assertEquals(List.of(image), stack.images.list());

    ResolvedImage content = stack.images.content(image);
    assertEquals(Descriptor.of(MediaTypes.DOCKER_CONFIG, BUSYBOX.configDigest(), BUSYBOX.config().length),
        content.config());
    assertEquals(List.of(Descriptor.of(MediaTypes.DOCKER_LAYER, BUSYBOX.diffIds().get(0),
        BUSYBOX.layers().get(0).length)), content.layers(), "an uncompressed layer keeps its bytes");
    assertEquals(MediaTypes.DOCKER_MANIFEST, content.manifest().mediaType());
    assertEquals(BUSYBOX.topChainId(), stack.images.chainId(image));

    // the labels that tie content and snapshots to the image, as containerd sets them
    assertEquals(Map.of(GcLabels.MANIFEST_PREFIX + "0", image.target().digest()),
        stack.blobLabels(result.index().digest()));
    assertEquals(Map.of(GcLabels.CONFIG, BUSYBOX.configDigest(), GcLabels.LAYER_PREFIX + "0",
        BUSYBOX.diffIds().get(0)), stack.blobLabels(image.target().digest()));
    assertEquals(Map.of(GcLabels.snapshotRef("overlayfs"), BUSYBOX.topChainId()),
        stack.blobLabels(BUSYBOX.configDigest()));
    assertEquals(Map.of(GcLabels.UNCOMPRESSED, BUSYBOX.diffIds().get(0)),
        stack.blobLabels(BUSYBOX.diffIds().get(0)));

    Info snapshot = stack.snapshot(BUSYBOX.topChainId());
    assertEquals(Kind.COMMITTED, snapshot.getKind());
    assertEquals("", snapshot.getParent());
    assertEquals(Map.of(GcLabels.SNAPSHOT_REF, BUSYBOX.topChainId()), snapshot.getLabelsMap());
    assertEquals(List.of(BUSYBOX.topChainId()), stack.snapshotNames(), "no extraction snapshot is left");
    assertEquals(0, stack.leases(), "the import's lease is gone");

    try (ImageStack.MountedView view = stack.view(BUSYBOX.topChainId())) {
      assertArrayEquals(Files.readAllBytes(TestImages.BUSYBOX_BINARY), Files.readAllBytes(view.resolve("/bin/busybox")));
      for (String applet : TestImages.APPLETS) {
        assertEquals(Path.of("busybox"), Files.readSymbolicLink(view.resolve("/bin/" + applet)), applet);
      }
      assertEquals(TestImages.PASSWD, Files.readString(view.resolve("/etc/passwd")));
      assertEquals(TestImages.GROUP, Files.readString(view.resolve("/etc/group")));
      assertEquals("hello from busybox\n0\n", run(view.dir(), "/bin/sh", "-c", "echo hello from busybox; id -u"));
    }
  }

  @Test
  void ociArchiveOfTheSameLayersReusesTheSnapshotAndAGzipStreamImportsToo() throws Exception {
    stack.images.importArchive(new ByteArrayInputStream(BUSYBOX.dockerArchive()), ImportOptions.defaults());
    List<Info> before = stack.snapshots();

    TestImage oci = BUSYBOX.named("example.com/tools/busybox:oci");
    ImportResult result = stack.images.importArchive(new ByteArrayInputStream(TestImage.gzip(oci.ociArchive())),
        ImportOptions.defaults());

    Image image = result.image("example.com/tools/busybox:oci").orElseThrow().image();
    assertEquals(MediaTypes.OCI_MANIFEST, image.target().mediaType());
    assertEquals(MediaTypes.OCI_LAYER_GZIP, stack.images.content(image).layers().get(0).mediaType());
    assertEquals(BUSYBOX.topChainId(), result.images().get(0).snapshot().orElseThrow());
    assertEquals(before, stack.snapshots(), "the committed snapshot is reused, not made again");
    assertEquals(2, stack.images.list().size());
  }

  @Test
  void anotherPlatformsManifestThatIsNoManifestIsSkippedWithAWarningAndTheRestLoads() throws Exception {
    String elsewhere = Platform.current().toString().equals("linux/s390x") ? "linux/ppc64le" : "linux/s390x";
    Map<String, byte[]> files = new LinkedHashMap<>(TarFiles.read(TestImage.multiPlatformOciArchive(
        "example.com/tools/busybox:multi", Map.of(Platform.current().toString(), BUSYBOX, elsewhere, BUSYBOX))));
    // the other platform's manifest becomes a blob that is no manifest, named by its own digest
    ObjectNode top = (ObjectNode) JSON.readTree(files.get("index.json"));
    ObjectNode topManifest = (ObjectNode) top.get("manifests").get(0);
    ObjectNode index = (ObjectNode) JSON.readTree(files.get(blobPath(topManifest.get("digest").asText())));
    byte[] garbage = "not a manifest at all".getBytes(StandardCharsets.UTF_8);
    String garbageDigest = Digests.sha256(garbage);
    files.put(blobPath(garbageDigest), garbage);
    for (JsonNode m : index.get("manifests")) {
      if (m.get("platform").get("architecture").asText().equals(elsewhere.split("/")[1])) {
        ((ObjectNode) m).put("digest", garbageDigest).put("size", garbage.length);
      }
    }
    byte[] indexBytes = JSON.writeValueAsBytes(index);
    files.put(blobPath(Digests.sha256(indexBytes)), indexBytes);
    topManifest.put("digest", Digests.sha256(indexBytes)).put("size", indexBytes.length);
    files.put("index.json", JSON.writeValueAsBytes(top));
    List<String> warnings = new ArrayList<>();
    Logger log = Logger.getLogger(ArchiveImporter.class.getName());
    Handler handler = new Handler() {
      @Override
      public void publish(LogRecord r) {
        warnings.add(r.getMessage());
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    log.addHandler(handler);
    try {
      ImportResult result = stack.images.importArchive(new ByteArrayInputStream(TarFiles.write(files)),
          ImportOptions.defaults());

      assertEquals(BUSYBOX.topChainId(), result.image("example.com/tools/busybox:multi").orElseThrow()
          .snapshot().orElseThrow(), "this platform's image loads and unpacks");
      assertEquals(1, warnings.size(), warnings.toString());
      assertTrue(warnings.get(0).startsWith("image example.com/tools/busybox:multi: skipped manifest " + garbageDigest
          + " for " + elsewhere + ", which the archive holds but is unreadable: "), warnings.get(0));
    } finally {
      log.removeHandler(handler);
    }
  }

  private static String blobPath(String digest) {
    return "blobs/sha256/" + digest.substring("sha256:".length());
  }

  @Test
  void layeredImageUnpacksToAChainShowingTheDeletionAndTheOpaqueDirectory() throws Exception {
    TestImage layered = TestImages.busyboxLayered();
    List<long[]> progress = new ArrayList<>();
    long[] archiveRead = {0};
    byte[] archive = layered.ociArchive();
    ImportOptions options = ImportOptions.defaults().withListener(new ImportListener() {
      @Override
      public void archiveRead(long bytes) {
        archiveRead[0] = bytes;
      }

      @Override
      public void unpacking(Image image, long done, long total) {
        progress.add(new long[] {done, total});
      }
    });
    ImportResult result = stack.images.importArchive(new ByteArrayInputStream(archive), options);

    assertEquals(archive.length, archiveRead[0], "the whole archive was read");
    long[] last = progress.get(progress.size() - 1);
    assertEquals(last[1], last[0], "unpack progress ends at the total");
    assertEquals(layered.topChainId(), result.images().get(0).snapshot().orElseThrow());

    List<String> chain = layered.chainIds();
    assertEquals(chain.stream().sorted().toList(), stack.snapshotNames());
    assertEquals("", stack.snapshot(chain.get(0)).getParent());
    assertEquals(chain.get(0), stack.snapshot(chain.get(1)).getParent());
    assertEquals(chain.get(1), stack.snapshot(chain.get(2)).getParent());

    try (ImageStack.MountedView view = stack.view(layered.topChainId())) {
      assertFalse(Files.exists(view.resolve(TestImages.MOTD), LinkOption.NOFOLLOW_LINKS), "whited out");
      try (Stream<Path> data = Files.list(view.resolve(TestImages.DATA_DIR))) {
        assertEquals(List.of("new.txt"), data.map(p -> p.getFileName().toString()).toList(), "opaque");
      }
      assertEquals(TestImages.DATA_NEW_CONTENT, Files.readString(view.resolve(TestImages.DATA_NEW_FILE)));
      assertTrue(Files.exists(view.resolve(TestImages.SRV_KEPT_FILE)), "a sibling of the opaque directory stays");
      assertEquals("new\n", run(view.dir(), "/bin/cat", TestImages.DATA_NEW_FILE));
      // unpacked before the layer below it was there, the implied directory still took its metadata
      Path shared = view.resolve(TestImages.SHARED_DIR);
      assertEquals(01777, (Integer) Files.getAttribute(shared, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777);
      assertEquals(65534, Files.getAttribute(shared, "unix:uid", LinkOption.NOFOLLOW_LINKS));
      assertTrue(Files.exists(view.resolve(TestImages.SHARED_NOTE)));
      assertEquals(List.of(), Xattrs.list(shared).stream().filter(n -> n.startsWith("trusted.berth.")).toList(),
          "no mark of Berth's is left");
    }
    try (ImageStack.MountedView middle = stack.view(chain.get(1))) {
      assertEquals("welcome\n", Files.readString(middle.resolve(TestImages.MOTD)), "still there one layer down");
      for (String hidden : TestImages.DATA_HIDDEN) {
        assertTrue(Files.exists(middle.resolve(hidden)), hidden);
      }
    }
    Map<String, String> manifestLabels = stack.blobLabels(result.images().get(0).image().target().digest());
    assertEquals(4, manifestLabels.size(), "config and three layers: " + manifestLabels);
  }

  @Test
  void importWithoutUnpackMakesNoSnapshotAndUnpackLaterDoes() throws Exception {
    ImportResult result = stack.images.importArchive(new ByteArrayInputStream(BUSYBOX.ociArchive()),
        ImportOptions.defaults().withUnpack(false));
    assertTrue(result.images().get(0).snapshot().isEmpty());
    assertEquals(List.of(), stack.snapshotNames());
    assertFalse(stack.blobLabels(BUSYBOX.configDigest()).containsKey(GcLabels.snapshotRef("overlayfs")));

    Image image = result.images().get(0).image();
    assertEquals(BUSYBOX.topChainId(), stack.images.unpack(image, "overlayfs", UnpackListener.NONE));
    assertEquals(List.of(BUSYBOX.topChainId()), stack.snapshotNames());
    String gzipLayer = stack.images.content(image).layers().get(0).digest();
    assertEquals(BUSYBOX.diffIds().get(0), stack.blobLabels(gzipLayer).get(GcLabels.UNCOMPRESSED));
    assertEquals(0, stack.leases());
  }

  @Test
  void importWorksUnderALeaseThatWouldExpireByItselfAndIsDeletedAtTheEnd() throws Exception {
    List<containerd.services.leases.v1.Lease> seen = new ArrayList<>();
    ImportListener watcher = new ImportListener() {
      @Override
      public void unpacking(Image image, long done, long total) {
        if (seen.isEmpty()) {
          seen.addAll(stack.leaseRecords());
        }
      }
    };
    Instant before = Instant.now();
    stack.images.importArchive(new ByteArrayInputStream(BUSYBOX.dockerArchive()),
        ImportOptions.defaults().withListener(watcher));

    assertEquals(1, seen.size(), "one lease while importing");
    Instant expires = Instant.parse(seen.get(0).getLabelsMap().get(GcLabels.EXPIRE));
    assertTrue(expires.isAfter(before.plus(Duration.ofHours(23))), expires::toString);
    assertEquals(0, stack.leases());
  }

  @Test
  void tagOnlyOciReferenceNamesGoUnderTheBaseName() throws Exception {
    Map<String, byte[]> files = TarFiles.read(BUSYBOX.ociArchive());
    Index index = OciJson.read(files.get("index.json"), Index.class, "index.json");
    Descriptor onlyTag = index.manifests().get(0).withAnnotations(Map.of(Descriptor.REF_NAME_ANNOTATION, "1.0"));
    files.put("index.json", OciJson.bytes(new Index(2, MediaTypes.OCI_INDEX, List.of(onlyTag), Map.of())));

    ImportResult result = stack.images.importArchive(new ByteArrayInputStream(TarFiles.write(files)),
        ImportOptions.defaults().withBaseName("example.com/base").withUnpack(false));
    assertEquals("example.com/base:1.0", result.images().get(0).image().name());
  }

  @Test
  void contentClientStreamsBigBlobsAndSkipsThoseAlreadyStored() throws Exception {
    Blobs content = stack.content;
    byte[] big = BUSYBOX.layers().get(0);
    String digest = BUSYBOX.diffIds().get(0);
    long[] sent = {0};
    Blobs.Written first = content.write("big-1", new ByteArrayInputStream(big), big.length, null, Map.of(),
        n -> sent[0] = n);
    assertEquals(new Blobs.Written(digest, big.length, false), first);
    assertEquals(big.length, sent[0]);

    ByteArrayInputStream input = new ByteArrayInputStream(big);
    Blobs.Written again = content.write("big-2", input, -1, digest, Map.of(), n -> {});
    assertEquals(new Blobs.Written(digest, big.length, true), again);
    assertEquals(big.length - Blobs.CHUNK_BYTES, input.available(),
        "only the first chunk was read before the store said it has the blob");
    assertArrayEquals(big, content.read(digest, big.length));
  }

  /** Runs {@code command} chrooted into {@code root}; returns its stdout. */
  private static String run(Path root, String... command) throws Exception {
    List<String> argv = new ArrayList<>(List.of("chroot", root.toString()));
    argv.addAll(List.of(command));
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    try {
      assertTrue(p.waitFor(10, TimeUnit.SECONDS), "command finished");
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), out);
      return out;
    } finally {
      p.destroyForcibly();
    }
  }
}
