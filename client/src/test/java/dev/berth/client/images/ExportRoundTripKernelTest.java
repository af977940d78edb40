package dev.berth.client.images;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import dev.berth.client.testing.TestLayer;
import dev.berth.api.content.ContentStore;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.api.Digests;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images exported to one tar that is an OCI layout and a docker save archive at once, and
 * imported back with the same digests. Needs root (the import unpacks).
 */
class ExportRoundTripKernelTest {
  @TempDir
  Path dir;
  private ImageStack stack;

  @BeforeEach
  void start() throws Exception {
    stack = new ImageStack(dir, "export-test");
  }

  @AfterEach
  void stop() throws Exception {
    stack.close();
  }

  @Test
  void exportIsAnOciLayoutAndADockerArchiveAndIsTheSameEveryTime() throws Exception {
    TestImage busybox = TestImages.busybox();
    Image image = importImage(busybox.dockerArchive()).get(0);
    ResolvedImage content = stack.images.content(image);

    byte[] archive = export(List.of(image));
    assertArrayEquals(archive, export(List.of(image)), "the same image exports to the same bytes");

    Map<String, byte[]> files = TarFiles.read(archive);
    String config = "blobs/sha256/" + hex(busybox.configDigest());
    String layer = "blobs/sha256/" + hex(busybox.diffIds().get(0));
    String manifest = "blobs/sha256/" + hex(image.target().digest());
    assertEquals(List.of("blobs/", "blobs/sha256/", manifest, config, layer, "index.json", "manifest.json",
        "oci-layout").stream().sorted().toList(), new ArrayList<>(files.keySet()), "sorted, as containerd writes it");
    assertEquals("{\"imageLayoutVersion\":\"1.0.0\"}", new String(files.get("oci-layout")));
    assertArrayEquals(busybox.config(), files.get(config));
    assertArrayEquals(busybox.layers().get(0), files.get(layer));
    assertEquals(image.target().digest(), Digests.sha256(files.get(manifest)));

    Index index = OciJson.read(files.get("index.json"), Index.class, "index.json");
    assertEquals(List.of(image.target().withAnnotations(Map.of(
        Descriptor.IMAGE_NAME_ANNOTATION, TestImages.BUSYBOX_NAME,
        Descriptor.REF_NAME_ANNOTATION, "latest"))), index.manifests());
    DockerManifestEntry[] docker = OciJson.read(files.get("manifest.json"), DockerManifestEntry[].class, "manifest.json");
    assertEquals(List.of(new DockerManifestEntry(config, List.of("busybox:latest"), List.of(layer))), List.of(docker));
    assertEquals(content.size(), busybox.config().length + busybox.layers().get(0).length + image.target().size());
  }

  @Test
  void loadSaveLoadKeepsEveryDigestThroughEitherSideOfTheArchive() throws Exception {
    TestImage layered = TestImages.busyboxLayered();
    Image original = importImage(layered.ociArchive()).get(0);
    ResolvedImage before = stack.images.content(original);
    byte[] archive = export(List.of(original));

    stack.images.remove(original.name());
    Image again = importImage(archive).get(0);
    assertEquals(original.name(), again.name());
    assertEquals(original.target(), again.target(), "OCI side: the same manifest, annotations and all");
    assertEquals(before, stack.images.content(again));

    // what docker load reads: manifest.json and the blobs it names, no OCI layout
    Map<String, byte[]> dockerOnly = TarFiles.read(archive);
    assertNotNull(dockerOnly.remove("oci-layout"));
    dockerOnly.remove("index.json");
    stack.images.remove(again.name());
    Image viaDocker = importImage(TarFiles.write(dockerOnly)).get(0);
    assertEquals(original.name(), viaDocker.name());
    ResolvedImage docker = stack.images.content(viaDocker);
    assertEquals(before.config().digest(), docker.config().digest());
    assertEquals(before.layers().stream().map(Descriptor::digest).toList(),
        docker.layers().stream().map(Descriptor::digest).toList(), "the same layer blobs");
    assertEquals(layered.topChainId(), stack.images.chainId(viaDocker));
  }

  @Test
  void severalImagesShareBlobsAndAManifestNamedTwiceIsOneDockerEntry() throws Exception {
    Image busybox = importImage(TestImages.busybox().dockerArchive()).get(0);
    Image copy = stack.images.tag(busybox, "example.com/copy:1");
    Image layered = importImage(TestImages.busyboxLayered().dockerArchive()).get(0);

    Map<String, byte[]> files = TarFiles.read(export(List.of(busybox, copy, layered)));
    DockerManifestEntry[] docker = OciJson.read(files.get("manifest.json"), DockerManifestEntry[].class, "manifest.json");
    assertEquals(2, docker.length);
    assertEquals(List.of("busybox:latest", "example.com/copy:1"), docker[0].repoTags());
    assertEquals(List.of("busybox-layered:latest"), docker[1].repoTags());
    Index index = OciJson.read(files.get("index.json"), Index.class, "index.json");
    assertEquals(3, index.manifests().size());
    long blobs = files.keySet().stream().filter(n -> n.startsWith("blobs/sha256/") && n.length() > 13).count();
    assertEquals(2 + 2 + 3, blobs, "two manifests, two configs, three distinct layers (the busybox base is shared)");

    stack.images.remove(busybox.name());
    stack.images.remove(copy.name());
    stack.images.remove(layered.name());
    List<String> names = importImage(TarFiles.write(files)).stream().map(Image::name).sorted().toList();
    assertEquals(List.of(TestImages.LAYERED_NAME, TestImages.BUSYBOX_NAME, "example.com/copy:1").stream().sorted()
        .toList(), names);
  }

  @Test
  void aMultiPlatformImageBringsEveryPlatformThatIsHereAndLeavesOutThoseThatAreNot() throws Exception {
    String here = Platform.current().architecture();
    String other = here.equals("amd64") ? "arm64" : "amd64";
    TestImage forOther = TestImage.builder("for-other")
        .layer(new TestLayer().file("/platform.txt", "built for " + other + "\n")).build();
    Map<String, TestImage> byPlatform = new LinkedHashMap<>();
    byPlatform.put("linux/" + other, forOther);
    byPlatform.put("linux/" + here, TestImages.busybox());
    Image image = importImage(TestImage.multiPlatformOciArchive("example.com/multi:1", byPlatform)).get(0);
    Index index = OciJson.read(stack.content.read(image.target().digest(), 1 << 20), Index.class, "index");
    Descriptor otherManifest = index.manifests().stream()
        .filter(d -> d.platform().architecture().equals(other)).findFirst().orElseThrow();
    Manifest otherContent = OciJson.read(stack.content.read(otherManifest.digest(), 1 << 20), Manifest.class, "m");
    String otherLayer = "blobs/sha256/" + hex(otherContent.layers().get(0).digest());
    String otherConfig = "blobs/sha256/" + hex(otherContent.config().digest());
    String otherPath = "blobs/sha256/" + hex(otherManifest.digest());

    // every platform here whole: all of it, manifest.json naming this platform's alone (Docker 27's save)
    Map<String, byte[]> files = TarFiles.read(export(List.of(image)));
    assertTrue(files.containsKey(otherPath) && files.containsKey(otherConfig) && files.containsKey(otherLayer),
        files.keySet()::toString);
    DockerManifestEntry[] docker = OciJson.read(files.get("manifest.json"), DockerManifestEntry[].class, "manifest.json");
    assertEquals(List.of("blobs/sha256/" + hex(TestImages.busybox().configDigest())),
        Arrays.stream(docker).map(DockerManifestEntry::config).toList());

    // a manifest whose layers are not all here goes alone; one not here at all is left out
    ContentStore store = new GrpcContentStore(stack.channel);
    store.delete("export-test", otherContent.layers().get(0).digest());
    files = TarFiles.read(export(List.of(image)));
    assertTrue(files.containsKey(otherPath) && !files.containsKey(otherConfig) && !files.containsKey(otherLayer),
        files.keySet()::toString);
    store.delete("export-test", otherManifest.digest());
    byte[] partial = export(List.of(image));
    files = TarFiles.read(partial);
    assertFalse(files.containsKey(otherPath), files.keySet()::toString);
    assertTrue(files.containsKey("blobs/sha256/" + hex(image.target().digest())), "the index itself");

    // and it loads back as the image it was, this platform unpacked
    stack.images.remove(image.name());
    Image again = importImage(partial).get(0);
    assertEquals(image.target(), again.target());
    assertEquals(TestImages.busybox().configDigest(), stack.images.content(again).config().digest());
  }

  private List<Image> importImage(byte[] archive) throws Exception {
    return stack.images.importArchive(new ByteArrayInputStream(archive), ImportOptions.defaults())
        .images().stream().map(ImportResult.ImportedImage::image).toList();
  }

  private byte[] export(List<Image> images) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    stack.images.export(images, out);
    return out.toByteArray();
  }

  private static String hex(String digest) {
    return digest.substring("sha256:".length());
  }
}
