package dev.berth.client.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.berth.client.ClientException;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Archives that are not what they claim fail with a message that says why, make no image (or, for
 * a layer that unpacks wrong, no snapshot), and leave no lease. Needs root.
 */
class BadArchivesKernelTest {
  private static final TestImage BUSYBOX = TestImages.busybox();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;
  private ImageStack stack;

  @BeforeEach
  void start() throws Exception {
    stack = new ImageStack(dir, "bad-archives");
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  @Test
  void notATar() {
    byte[] noise = new byte[4096];
    new Random(7).nextBytes(noise);
    assertFails(noise, "not a readable tar archive");
  }

  @Test
  void aTarThatIsNoImage() {
    assertFails(TarFiles.write(Map.of("hello.txt", "hi".getBytes(StandardCharsets.UTF_8))),
        "neither oci-layout (OCI image layout) nor manifest.json (docker save)");
  }

  @Test
  void dockerManifestNamingALayerTheArchiveLacks() {
    Map<String, byte[]> files = TarFiles.read(BUSYBOX.dockerArchive());
    String layer = files.keySet().stream().filter(n -> n.endsWith("/layer.tar")).findFirst().orElseThrow();
    files.remove(layer);
    assertFails(TarFiles.write(files), "names layer " + layer + ", which the archive does not hold");
  }

  @Test
  void ociBlobWhoseBytesAreNotItsName() {
    Map<String, byte[]> files = TarFiles.read(BUSYBOX.ociArchive());
    String config = "blobs/sha256/" + BUSYBOX.configDigest().substring("sha256:".length());
    files.put(config, "{\"tampered\":true}".getBytes(StandardCharsets.UTF_8));
    assertFails(TarFiles.write(files), "does not hold the blob its name says");
  }

  @Test
  void ociLayoutOfAnotherVersionOrWithoutIndex() {
    Map<String, byte[]> files = TarFiles.read(BUSYBOX.ociArchive());
    files.put("oci-layout", "{\"imageLayoutVersion\":\"2.0.0\"}".getBytes(StandardCharsets.UTF_8));
    assertFails(TarFiles.write(files), "unsupported OCI image layout version 2.0.0");

    Map<String, byte[]> noIndex = TarFiles.read(BUSYBOX.ociArchive());
    noIndex.remove("index.json");
    assertFails(TarFiles.write(noIndex), "OCI image layout without index.json");
  }

  @Test
  void ociManifestWhoseLayerIsMissing() {
    Map<String, byte[]> files = new LinkedHashMap<>(TarFiles.read(BUSYBOX.ociArchive()));
    String config = "blobs/sha256/" + BUSYBOX.configDigest().substring("sha256:".length());
    files.keySet().removeIf(n -> n.startsWith("blobs/sha256/") && n.length() > 13 && !n.equals(config)
        && files.get(n).length > 100_000);
    assertFails(TarFiles.write(files), "is neither in the archive nor in the content store");
  }

  @Test
  void layerThatUnpacksToAnotherDiffIdThanTheConfigSays() throws Exception {
    ClientException e = assertThrows(ClientException.class, () -> stack.images.importArchive(
        new ByteArrayInputStream(withAnotherDiffId(BUSYBOX, 0)), ImportOptions.defaults()));
    assertTrue(e.getMessage().contains("unpacks to diff ID " + BUSYBOX.diffIds().get(0)), e.getMessage());
    assertEquals(List.of(), stack.snapshotNames(), "the extraction snapshot is removed, nothing committed");
    assertEquals(0, stack.leases());
  }

  @Test
  void aMiddleLayerThatUnpacksToAnotherDiffIdLeavesNoneOfTheLayersUnpackedBesideIt() throws Exception {
    TestImage layered = TestImages.busyboxLayered();
    ClientException e = assertThrows(ClientException.class, () -> stack.images.importArchive(
        new ByteArrayInputStream(withAnotherDiffId(layered, 1)), ImportOptions.defaults()));
    assertTrue(e.getMessage().contains("unpacks to diff ID " + layered.diffIds().get(1)), e.getMessage());
    // the base layer was sound and stays committed; the top one, unpacked beside the lying one, is removed
    assertEquals(List.of(layered.chainIds().get(0)), stack.snapshotNames());
    assertEquals(0, stack.leases());
  }

  @Test
  void dockerManifestWithFewerLayersThanItsConfigsDiffIdsMakesNoImage() throws Exception {
    TestImage layered = TestImages.busyboxLayered();
    Map<String, byte[]> files = TarFiles.read(layered.dockerArchive());
    ObjectNode entry = (ObjectNode) JSON.readTree(files.get("manifest.json")).get(0);
    ArrayNode layers = (ArrayNode) entry.get("Layers");
    while (layers.size() > 1) {
      layers.remove(layers.size() - 1);
    }
    files.put("manifest.json", JSON.writeValueAsBytes(JSON.createArrayNode().add(entry)));
    assertFails(TarFiles.write(files), "lists " + layered.diffIds().size() + " diff IDs for 1 layers");
  }

  /** {@code image}'s docker archive with a config that names another diff ID for layer {@code layer}. */
  private static byte[] withAnotherDiffId(TestImage image, int layer) throws Exception {
    TestImage other = TestImage.builder("other").layer(new dev.berth.client.testing.TestLayer().file("x", "x")).build();
    Map<String, byte[]> files = TarFiles.read(image.dockerArchive());
    String configPath = files.keySet().stream().filter(n -> n.endsWith(".json") && !n.contains("/")
        && !n.equals("manifest.json")).findFirst().orElseThrow();
    String lying = new String(files.get(configPath), StandardCharsets.UTF_8)
        .replace(image.diffIds().get(layer), other.diffIds().get(0));
    files.put(configPath, lying.getBytes(StandardCharsets.UTF_8));
    return TarFiles.write(files);
  }

  private void assertFails(byte[] archive, String message) {
    ClientException e = assertThrows(ClientException.class, () -> stack.images.importArchive(
        new ByteArrayInputStream(archive), ImportOptions.defaults()));
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertEquals(List.of(), stack.images.list());
    assertEquals(List.of(), stack.snapshotNames());
    assertEquals(0, stack.leases());
  }
}
