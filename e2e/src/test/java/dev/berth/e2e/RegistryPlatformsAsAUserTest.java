package dev.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.testing.LoopbackRegistry;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import dev.berth.client.testing.TestLayer;
import dev.berth.e2e.PrivateBerthd.Result;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * bin/berthctl's pull of a multi-platform image (an index) from Debian's docker-registry on
 * 127.0.0.1, one platform after another, with bin/berthd's garbage collector running between them,
 * as a user pulls for a second machine.
 */
class RegistryPlatformsAsAUserTest {
  private static final String REPO = "platforms/bb";
  private static final String HERE = System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64";
  private static final String OTHER = HERE.equals("amd64") ? "arm64" : "amd64";
  private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

  private BerthdWithRegistry rig;
  private PrivateBerthd berthd;
  private LoopbackRegistry registry;

  @BeforeEach
  void start() throws Exception {
    rig = BerthdWithRegistry.start(LoopbackRegistry::start);
    berthd = rig.berthd();
    registry = rig.registry();
  }

  @AfterEach
  void stop() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void pullingAnotherPlatformKeepsThePlatformPulledBefore() throws Exception {
    String name = registry.host() + "/" + REPO + ":multi";
    plantTwoPlatformIndex(false);

    berthd.ok("pull", name);
    berthd.ok("pull", "--platform", "linux/" + OTHER, name);
    // system prune runs a collection: what the image's index references stays
    berthd.ok("system", "prune", "-f");

    assertEquals("ran\n", berthd.ok("run", "--rm", name, "echo", "ran").out(), "this platform still runs");
    Result saved = berthd.berthctl("save", "-o", berthd.work().resolve("multi.tar").toString(), name);
    assertEquals(0, saved.exit(), saved::toString);
    Result ctrCheck = berthd.ctr("default", null, "images", "check");
    assertTrue(ctrCheck.out().lines().anyMatch(l -> l.startsWith(name + " ") && l.contains("complete")),
        ctrCheck::toString);
  }

  @Test
  void loadingASavedIndexKeepsTheOtherPlatformPulledBefore() throws Exception {
    String name = registry.host() + "/" + REPO + ":multi";
    // the other platform first: the index's m.0 is the manifest this machine does not run
    String otherDigest = plantTwoPlatformIndex(true);
    String archive = berthd.work().resolve("multi.tar").toString();

    berthd.ok("pull", name);
    berthd.ok("pull", "--platform", "linux/" + OTHER, name);
    berthd.ok("save", "-o", archive, name);
    berthd.ok("load", "-i", archive);
    berthd.ok("system", "prune", "-f");

    Result kept = berthd.ctr("default", null, "content", "get", otherDigest);
    assertEquals(0, kept.exit(), kept::toString);
    assertEquals("ran\n", berthd.ok("run", "--rm", name, "echo", "ran").out(), "this platform still runs");
  }

  @Test
  void saveOfAnImagePulledForEveryPlatformLoadsWholeIntoAnotherBerthd() throws Exception {
    String name = registry.host() + "/" + REPO + ":every";
    OtherPlatform other = plantTwoPlatformIndexWithContentOfItsOwn("every");
    String index = registry.manifestDigest(REPO, "every");
    String archive = berthd.work().resolve("every-platform.tar").toString();
    berthd.ok("pull", "--all-platforms", name);
    berthd.ok("save", "-o", archive, name);

    // as Docker 27's save: the other platform's manifest, config and layer are in the archive, so
    // a berthd that never pulled the image has them all once it loads it
    try (PrivateBerthd elsewhere = PrivateBerthd.start()) {
      elsewhere.ok("load", "-i", archive);
      for (String digest : List.of(other.manifest(), other.config(), other.layer())) {
        Result kept = elsewhere.ctr("default", null, "content", "get", digest);
        assertEquals(0, kept.exit(), () -> digest + ": " + kept);
      }
      // the loaded blobs name no repository to mount from: the layer is uploaded from there
      String copy = registry.host() + "/platforms/saved:1";
      elsewhere.ok("tag", name, copy);
      assertTrue(elsewhere.ok("push", "--all-platforms", copy).out().startsWith("1: digest: " + index + " "),
          "the index, whole");
      assertArrayEquals(other.layerBytes(), registry.blob("platforms/saved", other.layer()));
    }
  }

  @Test
  void pushOfAnIndexWhoseOtherLayersOnlyTheRegistryHasSendsTheIndexWhole() throws Exception {
    String name = registry.host() + "/" + REPO + ":meta";
    OtherPlatform other = plantTwoPlatformIndexWithContentOfItsOwn("meta");
    String index = registry.manifestDigest(REPO, "meta");
    // every manifest and config, the layers of this platform only
    Result pulled = berthd.ctr("default", null, "images", "pull", "--all-metadata", "--plain-http", name);
    assertEquals(0, pulled.exit(), pulled::toString);
    assertEquals(1, berthd.ctr("default", null, "content", "get", other.layer()).exit(), "the other layer is not here");

    // as Docker 27's daemon (containerd's pusher asks the registry for each blob first): the
    // registry has that layer, so the index goes whole and its tag keeps naming it
    Result pushed = berthd.ok("push", name);
    assertTrue(pushed.out().startsWith("meta: digest: " + index + " size: "), pushed::toString);
    assertFalse(pushed.err().contains(" Info -> "), pushed::toString);
    assertEquals(index, registry.manifestDigest(REPO, "meta"));
    Result whole = berthd.ok("push", "--all-platforms", name);
    assertTrue(whole.out().startsWith("meta: digest: " + index + " size: "), whole::toString);
  }

  @Test
  void loadOfAMultiPlatformArchiveKeepsEveryPlatformItCarriesWhole() throws Exception {
    // the other platform's config and layer are blobs of its own, which nothing of this platform's names
    TestImage forOther = TestImage.builder("for-other")
        .layer(new TestLayer().file("/platform.txt", "built for " + OTHER + "\n")).build();
    Map<String, TestImage> byPlatform = new LinkedHashMap<>();
    byPlatform.put("linux/" + OTHER, forOther);
    byPlatform.put("linux/" + HERE, TestImages.busybox());
    String name = registry.host() + "/" + REPO + ":loaded";
    Path archive = Files.write(berthd.work().resolve("two-platforms.tar"),
        TestImage.multiPlatformOciArchive(name, byPlatform));

    berthd.ok("load", "-i", archive.toString());
    berthd.ok("system", "prune", "-f");

    Result kept = berthd.ctr("default", null, "content", "get", forOther.configDigest());
    assertEquals(0, kept.exit(), "the other platform's config is kept with its manifest: " + kept);
    // every blob of both platforms is still here to push
    berthd.ok("push", "--all-platforms", name);
    assertEquals("ran\n", berthd.ok("run", "--rm", name, "echo", "ran").out(), "this platform still runs");
  }

  @Test
  void pushOfAnIndexPulledForOnePlatformPushesThatPlatformWithDockersNote() throws Exception {
    String name = registry.host() + "/" + REPO + ":multi";
    String otherDigest = plantTwoPlatformIndex(false);
    String index = registry.manifestDigest(REPO, "multi");
    berthd.ok("pull", name);
    String copy = registry.host() + "/platforms/copy:1";
    berthd.ok("tag", name, copy);

    // as Docker 27's daemon: the manifest that is here goes instead, and its CLI says so last
    Result pushed = berthd.ok("push", copy);
    String manifest = registry.manifestDigest("platforms/copy", "1");
    assertEquals("1: digest: " + manifest + " size: " + registry.manifest("platforms/copy", "1").length + "\n",
        pushed.out());
    assertTrue(pushed.err().endsWith("\n\n Info -> Not all multiplatform-content is present and only the available"
        + " single-platform image was pushed\n         " + index + " -> " + manifest + "\n"), pushed::toString);

    // the whole index or nothing: Docker's note on what is missing, then the content store's words
    Result whole = berthd.berthctl("push", "--all-platforms", copy);
    assertEquals(1, whole.exit(), whole::toString);
    assertTrue(whole.err().contains("]\n\n Info -> You're trying to push a manifest list/index which\n         references"
        + " multiple platform specific manifests, but not all of them are available locally\n"), whole::toString);
    assertTrue(whole.err().endsWith(" with the --platform flag.\ncontent digest " + otherDigest + ": not found\n"),
        whole::toString);

    // one platform asked for: Docker's CLI's note first, and that manifest alone
    Result asked = berthd.ok("push", "--platform", "linux/" + HERE, registry.host() + "/platforms/copy:1");
    assertTrue(asked.err().startsWith(" Info -> Using --platform pushes only the specified platform manifest of a"
        + " multi-platform image index.\n         Other components, like attestations, will not be included.\n"
        + "         To push the complete multi-platform image, remove the --platform flag.\n         \nThe push refers"
        + " to repository [" + registry.host() + "/platforms/copy]\n"), asked::toString);
    assertEquals("1: digest: " + manifest + " size: " + registry.manifest("platforms/copy", "1").length + "\n",
        asked.out());
    assertFalse(asked.err().contains("Not all multiplatform-content"), asked::toString);

    // every platform here: the index goes whole, with nothing to say
    berthd.ok("pull", "--platform", "linux/" + OTHER, name);
    Result all = berthd.ok("push", copy);
    assertEquals(index, registry.manifestDigest("platforms/copy", "1"));
    assertTrue(all.out().startsWith("1: digest: " + index + " size: "), all::toString);
    assertFalse(all.err().contains(" Info -> "), all::toString);
  }

  @Test
  void pullOfAnotherPlatformOfASinglePlatformImageStandsWithDockersWarning() throws Exception {
    String name = registry.host() + "/" + REPO + ":single";
    berthd.ok("tag", "busybox", name);
    berthd.ok("push", name);
    berthd.ok("rmi", name);
    String actual = berthd.ok("image", "inspect", "-f", "{{.Os}}/{{.Architecture}}", "busybox").out().strip();

    // as Docker's daemon: a single manifest is taken for any platform, with a warning
    Result pulled = berthd.berthctl("pull", "--platform", "linux/s390x", name);
    assertEquals(0, pulled.exit(), pulled::toString);
    assertTrue(pulled.err().endsWith("Status: Downloaded newer image for " + name + "\nWARNING: image with reference "
        + name + " was found but its platform (" + actual + ") does not match the specified platform (linux/s390x)\n"),
        pulled::toString);
    Result matching = berthd.berthctl("pull", "--platform", actual, name);
    assertTrue(matching.err().endsWith("Status: Image is up to date for " + name + "\n"), matching::toString);
  }

  /**
   * Plants {@code REPO:multi}, an index of this machine's platform and another, both busybox's
   * manifest with a byte added (manifests no image here names), the other listed first when
   * {@code otherFirst}; returns the other platform's manifest digest.
   */
  private String plantTwoPlatformIndex(boolean otherFirst) throws Exception {
    berthd.ok("tag", "busybox", registry.host() + "/" + REPO + ":single");
    berthd.ok("push", registry.host() + "/" + REPO + ":single");
    String busybox = new String(registry.manifest(REPO, "single"), StandardCharsets.UTF_8);
    byte[] hereManifest = (busybox + " ").getBytes(StandardCharsets.UTF_8);
    byte[] otherManifest = (busybox + "\n").getBytes(StandardCharsets.UTF_8);
    String otherDigest = registry.plantManifest(REPO, null, otherManifest);
    String hereEntry = entry(registry.plantManifest(REPO, null, hereManifest), hereManifest.length, HERE);
    String otherEntry = entry(otherDigest, otherManifest.length, OTHER);
    String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
        + (otherFirst ? otherEntry + "," + hereEntry : hereEntry + "," + otherEntry) + "]}";
    registry.plantManifest(REPO, "multi", index.getBytes(StandardCharsets.UTF_8));
    return otherDigest;
  }

  /** The other platform's manifest, config and layer (and the layer's bytes) of an index planted so. */
  private record OtherPlatform(String manifest, String config, String layer, byte[] layerBytes) {}

  /**
   * Plants {@code REPO:tag}, an index of busybox's manifest for this machine's platform and, for
   * another, an image of its own: a config naming that platform and a layer nothing else has.
   */
  private OtherPlatform plantTwoPlatformIndexWithContentOfItsOwn(String tag) throws Exception {
    berthd.ok("tag", "busybox", registry.host() + "/" + REPO + ":single");
    berthd.ok("push", registry.host() + "/" + REPO + ":single");
    String hereEntry = entry(registry.manifestDigest(REPO, "single"), registry.manifest(REPO, "single").length, HERE);
    byte[] layer = new TestLayer().file("/platform.txt", "built for " + OTHER + "\n").tar();
    String layerDigest = registry.plantBlob(REPO, layer);
    byte[] config = ("{\"architecture\":\"" + OTHER + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[\"" + layerDigest + "\"]}}").getBytes(StandardCharsets.UTF_8);
    String configDigest = registry.plantBlob(REPO, config);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
        + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":"
        + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
        + layerDigest + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
    String manifestDigest = registry.plantManifest(REPO, null, manifest);
    String index = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":["
        + hereEntry + "," + entry(OCI_MANIFEST, manifestDigest, manifest.length, OTHER) + "]}";
    registry.plantManifest(REPO, tag, index.getBytes(StandardCharsets.UTF_8));
    return new OtherPlatform(manifestDigest, configDigest, layerDigest, layer);
  }

  private static String entry(String digest, int size, String arch) {
    return entry("application/vnd.docker.distribution.manifest.v2+json", digest, size, arch);
  }

  private static String entry(String mediaType, String digest, int size, String arch) {
    return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":" + size
        + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}}";
  }
}
