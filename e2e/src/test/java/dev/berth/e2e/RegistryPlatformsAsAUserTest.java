package dev.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

  private static String entry(String digest, int size, String arch) {
    return "{\"mediaType\":\"application/vnd.docker.distribution.manifest.v2+json\",\"digest\":\"" + digest
        + "\",\"size\":" + size + ",\"platform\":{\"architecture\":\"" + arch + "\",\"os\":\"linux\"}}";
  }
}
