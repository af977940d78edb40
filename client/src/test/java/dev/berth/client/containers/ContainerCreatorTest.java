package dev.berth.client.containers;

import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.ClientException;
import dev.berth.client.ConflictException;
import dev.berth.api.grpc.Errors;
import dev.berth.api.InvalidValueException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import containerd.services.containers.v1.Container;
import containerd.services.images.v1.Image;
import containerd.types.Descriptor;
import dev.berth.api.content.Blobs;
import dev.berth.common.leases.LeaseRecorder;
import dev.berth.common.store.MetadataStore;
import dev.berth.content.ContentService;
import dev.berth.content.file.FileContentStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Creation fails before anything is made when it can, and takes back what it made when it fails
 * later: the undo, without the kernel (the image has no layers, the services that would make
 * snapshots are never reached).
 */
class ContainerCreatorTest {
  private static final String IMAGE = "docker.io/library/plain:latest";
  private static final String WITH_VOLUMES = "docker.io/library/with-volumes:latest";
  private static final String WITH_LAYER = "docker.io/library/with-layer:latest";

  @TempDir Path root;
  private MetadataStore metadata;
  private final FakeServices.Images images = new FakeServices.Images();
  private final FakeServices.Containers containers = new FakeServices.Containers();
  private final FakeServices.Volumes volumes = new FakeServices.Volumes();
  private final FakeServices.Snapshots snapshots = new FakeServices.Snapshots();
  private InProcessBerth berth;

  @BeforeEach
  void start() throws Exception {
    metadata = MetadataStore.open(root.resolve("metadata.db"));
    FileContentStore content = new FileContentStore(root, metadata, (ns, topic, event) -> { }, ns -> { },
        new LeaseRecorder() {
          @Override
          public void add(String namespace, String lease, String type, String id) {}

          @Override
          public void remove(String namespace, String lease, String type, String id) {}
        });
    Blobs blobs = new Blobs(content, InProcessBerth.NAMESPACE, null);
    addImage(blobs, IMAGE, "{}");
    addImage(blobs, WITH_VOLUMES, "{\"Volumes\":{\"/data\":{},\"/logs/\":{}}}");
    addImage(blobs, WITH_LAYER, "{\"Cmd\":[\"true\"]}", "\"sha256:" + "a".repeat(64) + "\"");
    berth = InProcessBerth.serving(new ContentService(content), images, containers, volumes, snapshots,
        new FakeServices.Leases());
  }

  private void addImage(Blobs blobs, String name, String runConfig) {
    addImage(blobs, name, runConfig, "");
  }

  /** An image whose config lists {@code diffIds} (JSON strings) and whose manifest no layers: nothing here unpacks. */
  private void addImage(Blobs blobs, String name, String runConfig, String diffIds) {
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":" + runConfig
        + ",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[" + diffIds + "]}}").getBytes(StandardCharsets.UTF_8);
    String configDigest = blobs.write("config-" + name, config, Map.of()).digest();
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest
        + "\",\"size\":" + config.length + "},\"layers\":[]}").getBytes(StandardCharsets.UTF_8);
    String manifestDigest = blobs.write("manifest-" + name, manifest, Map.of()).digest();
    images.byName.put(name, Image.newBuilder().setName(name).setTarget(Descriptor.newBuilder()
        .setMediaType("application/vnd.oci.image.manifest.v1+json").setDigest(manifestDigest)
        .setSize(manifest.length)).build());
  }

  @AfterEach
  void stop() throws Exception {
    berth.close();
    metadata.close();
  }

  private Container create(ContainerOptions options) {
    return new ContainerCreator(berth.channel(), InProcessBerth.NAMESPACE, Map.of()).create(options);
  }

  private static ContainerOptions plain() {
    ContainerOptions o = new ContainerOptions();
    o.image = "plain";
    return o;
  }

  @Test
  void aFailureAfterTheVolumesWereMadeRemovesThem() {
    ContainerOptions o = plain();
    o.volumes = List.of("data:/data", "/cache");
    InvalidValueException e = assertThrows(InvalidValueException.class, () -> create(o));
    assertTrue(e.getMessage().contains("no command specified"), e.getMessage());
    assertEquals(2, volumes.created.size());
    assertEquals("data", volumes.created.get(0));
    assertEquals(List.of("anonymous1", "data"), volumes.deleted, "undone last made first");
  }

  @Test
  void aNamedVolumeAnotherCreationMakesFirstIsUsedAndLeftToIt() {
    volumes.madeByAnotherClient.add("shared");
    ContainerOptions o = plain();
    o.volumes = List.of("shared:/data");
    InvalidValueException e = assertThrows(InvalidValueException.class, () -> create(o));
    assertTrue(e.getMessage().contains("no command specified"), "not refused as existing: " + e.getMessage());
    assertEquals(List.of(), volumes.deleted, "the other creation's volume is not undone");
  }

  @Test
  void aVolumePrunedBeforeTheRecordNamesItIsMadeAnewAndTheRecordWithout() {
    ContainerOptions o = new ContainerOptions();
    o.image = "with-layer";
    o.name = "pruned";
    o.mounts = List.of("type=volume,target=/cache,volume-nocopy");
    o.volumes = List.of("named:/data:nocopy");
    containers.beforeCreate = () -> {
      volumes.removeAll();
      containers.beforeCreate = () -> { };
    };
    Container c = create(o);
    assertEquals(List.of(c.getId()), List.copyOf(containers.byId.keySet()), "the first record is deleted");
    assertEquals(List.of(c.getId()), snapshots.keys, "and its snapshot");
    assertEquals(List.of("named", "", "named", ""), volumes.created, "both volumes are made anew");
    assertEquals("named,anonymous2", c.getLabelsMap().get(ContainerLabels.VOLUMES));
  }

  @Test
  void aVolumeRemovedAtEveryAttemptIsReportedNotRetriedForever() {
    ContainerOptions o = new ContainerOptions();
    o.image = "with-layer";
    o.volumes = List.of("named:/data:nocopy");
    containers.beforeCreate = volumes::removeAll;
    ClientException e = assertThrows(ClientException.class, () -> create(o));
    assertEquals("volume named was removed (by volume rm or a prune) while the container was created, 3 times over: "
        + "create it again once nothing removes it", e.getMessage());
    assertEquals(3, volumes.created.size());
    assertEquals(List.of(), List.copyOf(containers.byId.keySet()));
    assertEquals(List.of(), snapshots.keys);
  }

  @Test
  void theImagesVolumesBecomeAnonymousVolumesUnlessAMountCoversThem() {
    ContainerOptions o = plain();
    o.image = "with-volumes";
    o.volumes = List.of("named:/logs");
    // the image has no command, so creation stops after the volumes, which are undone
    assertThrows(InvalidValueException.class, () -> create(o));
    assertEquals(2, volumes.created.size(), volumes.created::toString);
    assertEquals("named", volumes.created.get(0));
    assertEquals("", volumes.created.get(1), "an anonymous one (berthd names it) for /data, none for /logs");
  }

  @Test
  void badValuesFailBeforeAnythingIsMade() {
    ContainerOptions badPort = plain();
    badPort.volumes = List.of("data:/data");
    badPort.publish = List.of("not-a-port");
    assertThrows(InvalidValueException.class, () -> create(badPort));
    ContainerOptions missingBind = plain();
    missingBind.volumes = List.of("data:/data");
    missingBind.mounts = List.of("type=bind,source=" + root.resolve("absent") + ",target=/mnt");
    ClientException e = assertThrows(ClientException.class, () -> create(missingBind));
    assertTrue(e.getMessage().startsWith("invalid mount config: bind source path does not exist"), e.getMessage());
    assertEquals(List.of(), volumes.created);
    assertFalse(Files.exists(root.resolve("absent")));
  }

  @Test
  void resourceFlagsGivenAsZeroSetNoLimitAsDockersDo() throws Exception {
    ContainerOptions o = new ContainerOptions();
    o.image = "with-layer";
    // what scripts pass as --memory "${MEM:-0}"; Docker's daemon reads each 0 as not given
    o.memory = "0";
    o.memorySwap = "0";
    o.memoryReservation = "0m";
    o.cpus = "0.0";
    o.cpuShares = "0";
    o.cpuQuota = "0";
    o.cpuPeriod = "0";
    o.shmSize = "0";
    o.kernelMemory = "0";
    assertEquals(List.of(), ContainerCreator.warnings(o));
    Container c = create(o);
    JsonNode spec = new ObjectMapper().readTree(c.getSpec().getValue().toByteArray());
    JsonNode resources = spec.path("linux").path("resources");
    assertTrue(resources.path("memory").path("limit").isMissingNode(), resources::toString);
    assertTrue(resources.path("memory").path("reservation").isMissingNode(), resources::toString);
    assertTrue(resources.path("cpu").path("quota").isMissingNode(), resources::toString);
    assertTrue(resources.path("cpu").path("shares").isMissingNode(), resources::toString);
    String shm = "";
    for (JsonNode mount : spec.path("mounts")) {
      if (mount.path("destination").asText().equals("/dev/shm")) {
        shm = mount.path("options").toString();
      }
    }
    assertTrue(shm.contains("size=65536k"), "Docker's default 64m /dev/shm: " + shm);
  }

  @Test
  void aKernelMemoryLimitIsCheckedThenDroppedWithDockersWarning() {
    ContainerOptions o = new ContainerOptions();
    o.image = "with-layer";
    o.kernelMemory = "50m";
    assertEquals(List.of("Your kernel does not support kernel memory limit capabilities or the cgroup is not mounted. "
        + "Limitation discarded."), ContainerCreator.warnings(o));
    create(o);
    ContainerOptions bad = new ContainerOptions();
    bad.image = "with-layer";
    bad.kernelMemory = "lots";
    assertTrue(assertThrows(InvalidValueException.class, () -> create(bad)).getMessage()
        .startsWith("invalid kernel memory limit \"lots\""));
  }

  @Test
  void aMissingBindSourceOfDashVIsMadeAsDockerDoes() {
    ContainerOptions o = plain();
    o.volumes = List.of(root.resolve("made/here") + ":/mnt");
    // the test image has no command, so creation stops after the mounts; Docker keeps such a directory too
    assertThrows(InvalidValueException.class, () -> create(o));
    assertTrue(Files.isDirectory(root.resolve("made/here")));
  }

  @Test
  void aNameInUseOrAnAbsentImageIsRefused() {
    containers.byId.put("abc", Container.newBuilder().setId("abc").putLabels(ContainerLabels.NAME, "web").build());
    ContainerOptions named = plain();
    named.name = "web";
    // Docker's daemon's conflict, which its CLI prints after "Error response from daemon: "
    ConflictException inUse = assertThrows(ConflictException.class, () -> create(named));
    assertTrue(inUse.getMessage().startsWith("Conflict. The container name \"/web\" is already in use by container \"abc\""),
        inUse.getMessage());
    ContainerOptions absent = plain();
    absent.image = "absent";
    assertEquals("No such image: absent", assertThrows(ClientException.class, () -> create(absent)).getMessage());
    assertEquals(List.of(), volumes.created);
  }

  @Test
  void aNameTakenByAnotherClientAfterTheCheckIsTheSameConflict() {
    containers.beforeCreate = () -> {
      containers.byId.put("abc", Container.newBuilder().setId("abc").putLabels(ContainerLabels.NAME, "web").build());
      // the store's answer to the second record of a name
      throw Errors.alreadyExists("Conflict. The container name \"/web\" is already in use");
    };
    ContainerOptions named = new ContainerOptions();
    named.image = "with-layer";
    named.name = "web";
    ConflictException inUse = assertThrows(ConflictException.class, () -> create(named));
    assertTrue(inUse.getMessage().startsWith("Conflict. The container name \"/web\" is already in use by container \"abc\""),
        inUse.getMessage());
    assertEquals(List.of("abc"), List.copyOf(containers.byId.keySet()));
  }
}
