package dev.berth.client.containers;

import berth.network.v1.Network;
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
import dev.berth.client.InvalidParameterException;
import dev.berth.client.NoSuchObjectException;
import dev.berth.client.spec.BlockIoFlags;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
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
  private final FakeServices.Networks networks = new FakeServices.Networks();
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
        new FakeServices.Leases(), networks);
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

  private static ContainerOptions withLayer() {
    ContainerOptions o = new ContainerOptions();
    o.image = "with-layer";
    return o;
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
    InvalidParameterException e = assertThrows(InvalidParameterException.class, () -> create(o));
    assertEquals("no command specified", e.getMessage(), "Docker's daemon's words");
    assertEquals(2, volumes.created.size());
    assertEquals("data", volumes.created.get(0));
    assertEquals(List.of("anonymous1", "data"), volumes.deleted, "undone last made first");
  }

  @Test
  void aShareableContainerWithADevShmOfItsOwnKeepsItAndIsNotLabelledShareableAsDockers() {
    ContainerOptions o = withLayer();
    o.command = List.of("true");
    o.ipc = "shareable";
    assertEquals(ContainerLabels.IPC_SHAREABLE, create(o).getLabelsMap().get(ContainerLabels.IPC));
    for (String own : List.of("--tmpfs", "-v", "--mount")) {
      ContainerOptions mine = withLayer();
      mine.command = List.of("true");
      mine.ipc = "shareable";
      switch (own) {
        case "--tmpfs" -> mine.tmpfs = List.of("/dev/shm:exec");
        case "-v" -> mine.volumes = List.of(root + ":/dev/shm/");
        default -> mine.mounts = List.of("type=tmpfs,target=/dev/shm");
      }
      Container c = create(mine);
      assertFalse(c.getLabelsMap().containsKey(ContainerLabels.IPC), () -> own + " /dev/shm is the user's: " + c);
    }
  }

  @Test
  void aBadNameIsRefusedInDockersDaemonsWords() {
    ContainerOptions o = plain();
    o.command = List.of("true");
    o.name = "bad/name";
    assertEquals("Invalid container name (bad/name), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed",
        assertThrows(InvalidParameterException.class, () -> create(o)).getMessage());
  }

  @Test
  void aBadStopSignalIsRefusedInDockersDaemonsWords() {
    ContainerOptions o = plain();
    o.command = List.of("true");
    o.stopSignal = "NOPE";
    assertEquals("invalid signal: NOPE", assertThrows(InvalidParameterException.class, () -> create(o)).getMessage());
  }

  @Test
  void aNamedVolumeAnotherCreationMakesFirstIsUsedAndLeftToIt() {
    volumes.madeByAnotherClient.add("shared");
    ContainerOptions o = plain();
    o.volumes = List.of("shared:/data");
    InvalidParameterException e = assertThrows(InvalidParameterException.class, () -> create(o));
    assertEquals("no command specified", e.getMessage(), "not refused as existing");
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
    assertThrows(InvalidParameterException.class, () -> create(o));
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
  void addressesAreRefusedAsDockersDaemonRefusesThemBeforeAnythingIsMade() {
    networks.byName.put("net6", Network.newBuilder().setName("net6").setSubnet("10.241.0.0/24")
        .setEnableIpv6(true).setIpv6Subnet("fd00:bb::/64").build());
    networks.byName.put("net4", Network.newBuilder().setName("net4").setSubnet("10.242.0.0/24").build());
    assertEquals("invalid config for network net6: invalid endpoint settings:\n* invalid IPv6 address: fd00:db8::zz\n"
        + "* no configured subnet or ip-range contain the IP address fd00:db8::zz", refusal("net6", null, "fd00:db8::zz"));
    assertEquals("invalid config for network net6: invalid endpoint settings:\n* invalid IPv6 address: ::\n"
        + "* no configured subnet or ip-range contain the IP address ::", refusal("net6", null, "::"));
    assertEquals("invalid config for network net6: invalid endpoint settings:\n* invalid IPv4 address: 0.0.0.0\n"
        + "* no configured subnet or ip-range contain the IP address 0.0.0.0", refusal("net6", "0.0.0.0", null));
    assertEquals("invalid config for network net6: invalid endpoint settings:\n"
        + "no configured subnet or ip-range contain the IP address fd00:cc::5", refusal("net6", null, "fd00:cc::5"));
    assertEquals("invalid config for network net6: invalid endpoint settings:\n"
        + "no configured subnet or ip-range contain the IP address 10.9.0.5", refusal("net6", "10.9.0.5", null));
    assertEquals("invalid config for network net4: invalid endpoint settings:\nuser specified IP address is "
        + "supported only when connecting to networks with user configured subnets", refusal("net4", null, "fd00:bb::5"));
    assertEquals("invalid config for network bridge: invalid endpoint settings:\n"
        + "user specified IP address is supported on user defined networks only", refusal("bridge", null, "fd00:bb::5"));
    for (String mode : List.of("host", "none", "container:other")) {
      assertEquals("invalid config for network " + mode + ": invalid endpoint settings:\n"
          + "user specified IP address is supported on user defined networks only", refusal(mode, "10.241.0.5", null));
    }
    // subnets berthd chose, as Docker's daemon's own: no address may be asked for there, even one inside
    networks.byName.put("auto", Network.newBuilder().setName("auto").setSubnet("10.243.0.0/24").setSubnetChosen(true)
        .setEnableIpv6(true).setIpv6Subnet("fd00:dd::/64").setIpv6SubnetChosen(true).build());
    networks.byName.put("auto6", Network.newBuilder().setName("auto6").setSubnet("10.244.0.0/24")
        .setEnableIpv6(true).setIpv6Subnet("fd00:ee::/64").setIpv6SubnetChosen(true).build());
    assertEquals("invalid config for network auto: invalid endpoint settings:\nuser specified IP address is "
        + "supported only when connecting to networks with user configured subnets", refusal("auto", "10.243.0.5", null));
    assertEquals("invalid config for network auto: invalid endpoint settings:\n* user specified IP address is "
        + "supported only when connecting to networks with user configured subnets\n* user specified IP address is "
        + "supported only when connecting to networks with user configured subnets",
        refusal("auto", "10.243.0.5", "fd00:dd::5"));
    assertEquals("invalid config for network auto6: invalid endpoint settings:\nuser specified IP address is "
        + "supported only when connecting to networks with user configured subnets", refusal("auto6", null, "fd00:ee::5"));
    assertTrue(containers.byId.isEmpty());
    ContainerOptions inside = withLayer();
    inside.network = "net6";
    inside.ip = "10.241.0.9";
    inside.ip6 = "fd00:bb::99";
    Map<String, String> labels = create(inside).getLabelsMap();
    assertEquals("10.241.0.9", labels.get(ContainerLabels.IP));
    assertEquals("fd00:bb::99", labels.get(ContainerLabels.IP6));
    ContainerOptions givenV4 = withLayer();
    givenV4.network = "auto6";
    givenV4.ip = "10.244.0.9";
    assertEquals("10.244.0.9", create(givenV4).getLabelsMap().get(ContainerLabels.IP));
  }

  /** The message of what creating a container on {@code network} with these addresses throws, as Docker's CLI prints it. */
  private String refusal(String network, String ip, String ip6) {
    ContainerOptions o = plain();
    o.network = network;
    o.networkGiven = true;
    o.ip = ip;
    o.ip6 = ip6;
    return assertThrows(InvalidParameterException.class, () -> create(o)).getMessage();
  }

  @Test
  void withoutNetworkGivenDockersDaemonNamesTheNetworkDefault() {
    ContainerOptions o = plain();
    o.ip = "10.88.0.9";
    assertEquals("invalid config for network default: invalid endpoint settings:\n"
        + "user specified IP address is supported on user defined networks only",
        assertThrows(InvalidParameterException.class, () -> create(o)).getMessage());
  }

  @Test
  void aliasesOnNoUserDefinedNetworkAreRefusedInDockersDaemonsWords() {
    for (String mode : List.of("bridge", "host", "none")) {
      ContainerOptions o = plain();
      o.network = mode;
      o.networkGiven = true;
      o.networkAliases = List.of("web");
      assertEquals("invalid config for network " + mode + ": invalid endpoint settings:\n"
          + "network-scoped alias is supported only for containers in user defined networks",
          assertThrows(InvalidParameterException.class, () -> create(o)).getMessage());
    }
    ContainerOptions both = plain();
    both.network = "bridge";
    both.networkGiven = true;
    both.ip = "10.88.0.9";
    both.networkAliases = List.of("web");
    assertEquals("invalid config for network bridge: invalid endpoint settings:\n"
        + "* user specified IP address is supported on user defined networks only\n"
        + "* network-scoped alias is supported only for containers in user defined networks",
        assertThrows(InvalidParameterException.class, () -> create(both)).getMessage());
    assertTrue(containers.byId.isEmpty());
  }

  @Test
  void aNetworkGivenByIdIsKeptByNameAndJoinedOnce() {
    Network n6 = Network.newBuilder().setName("n6").setId("7d14ebe39ae6" + "0".repeat(52))
        .setSubnet("10.241.0.0/24").build();
    networks.byName.put("n6", n6);
    networks.byName.put("7d14ebe39ae6", n6);
    networks.byName.put("m6", Network.newBuilder().setName("m6").setSubnet("10.242.0.0/24").build());
    ContainerOptions byId = withLayer();
    byId.network = "7d14ebe39ae6";
    assertEquals("n6", create(byId).getLabelsMap().get(ContainerLabels.NETWORK));
    for (List<String> given : List.of(List.of("7d14ebe39ae6", "n6", "m6"), List.of("n6", "m6", "7d14ebe39ae6"))) {
      ContainerOptions o = withLayer();
      o.network = given.get(0);
      o.moreNetworks = given.subList(1, given.size());
      Map<String, String> labels = create(o).getLabelsMap();
      assertEquals("n6", labels.get(ContainerLabels.NETWORK), given.toString());
      assertEquals(List.of("io.berth.connected.m6"),
          labels.keySet().stream().filter(k -> k.startsWith("io.berth.connected.")).toList(), given.toString());
    }
  }

  @Test
  void aSecondNetworkIsJoinedAsDocker27JoinsIt() {
    networks.byName.put("n6", Network.newBuilder().setName("n6").setSubnet("10.241.0.0/24").build());
    networks.byName.put("m6", Network.newBuilder().setName("m6").setSubnet("10.242.0.0/24").build());
    ContainerOptions both = withLayer();
    both.network = "n6";
    both.moreNetworks = List.of("m6");
    both.ip = "10.241.0.9";
    Map<String, String> labels = create(both).getLabelsMap();
    assertEquals("n6", labels.get(ContainerLabels.NETWORK));
    assertEquals("10.241.0.9", labels.get(ContainerLabels.IP));
    assertEquals("ip=", labels.get("io.berth.connected.m6"), "no address of its own: --ip is the first's");

    ContainerOptions twice = withLayer();
    twice.network = "n6";
    twice.moreNetworks = List.of("n6");
    // refused as Docker's CLI refuses them, which create exits 125 for
    assertEquals("network \"n6\" is specified multiple times",
        assertThrows(InvalidValueException.class, () -> create(twice)).getMessage());
    ContainerOptions mixed = withLayer();
    mixed.network = "bridge";
    mixed.moreNetworks = List.of("m6");
    assertEquals("conflicting options: cannot attach both user-defined and non-user-defined network-modes",
        assertThrows(InvalidValueException.class, () -> create(mixed)).getMessage());
    ContainerOptions absent = withLayer();
    absent.network = "n6";
    absent.moreNetworks = List.of("nowhere");
    assertThrows(NoSuchObjectException.class, () -> create(absent));
    assertEquals(1, containers.byId.size());
  }

  @Test
  void whatAContainerJoiningAnothersNetworkCannotHaveIsRefusedInDockersDaemonsWordsAndOrderBeforeTheImageIsLookedUp() {
    // in the order Docker's daemon checks them: all given, the first is refused; then the next
    List<Map.Entry<String, Consumer<ContainerOptions>>> refused = List.of(
        Map.entry("conflicting options: hostname and the network mode", o -> o.hostname = "h"),
        Map.entry("conflicting options: container type network can't be used with links. This would result in "
            + "undefined behavior", o -> o.links = List.of("db")),
        Map.entry("conflicting options: dns and the network mode", o -> o.dns = List.of("10.0.0.53")),
        Map.entry("conflicting options: custom host-to-IP mapping and the network mode",
            o -> o.addHosts = List.of("db:10.0.0.2")),
        Map.entry("conflicting options: port publishing and the container type network mode",
            o -> o.publish = List.of("8080:80")),
        Map.entry("conflicting options: port publishing and the container type network mode",
            o -> o.publishAll = true),
        Map.entry("conflicting options: port exposing and the container type network mode",
            o -> o.expose = List.of("80")));
    for (int first = 0; first < refused.size(); first++) {
      ContainerOptions o = new ContainerOptions();
      // an image that is nowhere: Docker's daemon refuses the request before it looks for one
      o.image = "example.invalid/nope:1";
      o.network = "container:web";
      refused.subList(first, refused.size()).forEach(r -> r.getValue().accept(o));
      assertEquals(refused.get(first).getKey(),
          assertThrows(InvalidParameterException.class, () -> create(o)).getMessage());
    }
    assertTrue(containers.byId.isEmpty());
  }

  @Test
  void linksWithTheHostsNetworkAreRefusedInDockersDaemonsWordsBeforeTheImageIsLookedUp() {
    ContainerOptions links = new ContainerOptions();
    links.image = "example.invalid/nope:1";
    links.network = "host";
    links.links = List.of("db");
    links.macAddress = "02:42:ac:11:00:99";
    assertEquals("conflicting options: host type networking can't be used with links. This would result in "
        + "undefined behavior", assertThrows(InvalidParameterException.class, () -> create(links)).getMessage());
  }

  @Test
  void aMacAddressWithoutAnInterfaceOfTheContainersOwnIsTakenAndUnusedAsByDocker27sDaemon() {
    for (String mode : List.of("host", "none")) {
      ContainerOptions o = withLayer();
      o.network = mode;
      o.macAddress = "02:42:ac:11:00:99";
      Container c = create(o);
      assertFalse(c.getLabelsMap().containsKey(ContainerLabels.MAC_ADDRESS), mode);
      assertFalse(ContainerConfig.of(c).config().has("MacAddress"), mode);
    }
    ContainerOptions malformed = withLayer();
    malformed.network = "host";
    malformed.macAddress = "02:42:ac:11:00";
    assertThrows(InvalidValueException.class, () -> create(malformed));
  }

  @Test
  void aLinkToAContainerThatIsNotThereIsRefusedInDockersDaemonsWords() {
    String gone = "b".repeat(64);
    containers.byId.put("a".repeat(64), Container.newBuilder().setId("a".repeat(64))
        .putLabels(ContainerLabels.NAME, "guest").putLabels(ContainerLabels.NETWORK, "container:" + gone).build());
    for (Map.Entry<String, String> link : Map.of("nowhere", "nowhere", "guest", gone).entrySet()) {
      ContainerOptions o = withLayer();
      o.command = List.of("true");
      o.links = List.of(link.getKey());
      assertEquals("could not get container for " + link.getValue() + ": No such container: " + link.getValue(),
          assertThrows(InvalidParameterException.class, () -> create(o)).getMessage(), link.getKey());
    }
    assertEquals(1, containers.byId.size());
  }

  @Test
  void aNetworkAliasThatWouldAddLabelItemsIsRefused() {
    networks.byName.put("net6", Network.newBuilder().setName("net6").setSubnet("10.241.0.0/24").build());
    ContainerOptions o = plain();
    o.network = "net6";
    o.networkAliases = List.of("x,ip6=fd00:bb::99");
    assertEquals("invalid network alias \"x,ip6=fd00:bb::99\": a name without commas, '=', ';', blanks or control "
        + "characters", assertThrows(InvalidValueException.class, () -> create(o)).getMessage());
    assertTrue(containers.byId.isEmpty());
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
  void blockIoCpusetMemsDeviceRulesAndAnnotationsGoIntoTheSpecAndHostConfigAsDockersDaemonPutsThem() throws Exception {
    ContainerOptions o = new ContainerOptions();
    o.image = "with-layer";
    o.deviceReadBps = List.of("/dev/null:1mb");
    o.deviceWriteIops = List.of("/dev/null:100");
    o.cpusetMems = "0";
    o.deviceCgroupRules = List.of("c 1:3 rwm", "b *:* r");
    o.annotations = List.of("org.example.team=web", "bare");
    Container c = create(o);
    JsonNode spec = new ObjectMapper().readTree(c.getSpec().getValue().toByteArray());
    JsonNode resources = spec.path("linux").path("resources");
    assertEquals("{\"throttleReadBpsDevice\":[{\"major\":1,\"minor\":3,\"rate\":1048576}],"
        + "\"throttleWriteIOPSDevice\":[{\"major\":1,\"minor\":3,\"rate\":100}]}", resources.path("blockIO").toString());
    assertEquals("0", resources.path("cpu").path("mems").asText());
    JsonNode devices = resources.path("devices");
    assertEquals("{\"allow\":true,\"type\":\"b\",\"major\":-1,\"minor\":-1,\"access\":\"r\"}",
        devices.get(devices.size() - 1).toString(), "after Docker's deny-all, with runc's wildcard -1");
    assertEquals("{\"bare\":\"\",\"org.example.team\":\"web\"}", spec.path("annotations").toString());
    JsonNode h = ContainerConfig.of(c).hostConfig();
    assertEquals("[{\"Path\":\"/dev/null\",\"Rate\":1048576}]", h.path("BlkioDeviceReadBps").toString());
    assertEquals("[{\"Path\":\"/dev/null\",\"Rate\":100}]", h.path("BlkioDeviceWriteIOps").toString());
    assertEquals("[]", h.path("BlkioWeightDevice").toString());
    assertEquals("0", h.path("CpusetMems").asText());
    assertEquals("[\"c 1:3 rwm\",\"b *:* r\"]", h.path("DeviceCgroupRules").toString());
    assertEquals("{\"bare\":\"\",\"org.example.team\":\"web\"}", h.path("Annotations").toString());
    assertTrue(h.path("StorageOpt").isMissingNode(), "left out when empty, as Docker's omitempty");
  }

  @Test
  void aBlockIoWeightTheHostCannotSetIsDroppedWithDockersWarning() throws Exception {
    ContainerOptions o = new ContainerOptions();
    o.image = "with-layer";
    o.blkioWeight = "300";
    boolean supported = BlockIoFlags.Limit.WEIGHT.supported();
    assertEquals(supported ? List.of() : List.of(BlockIoFlags.Limit.WEIGHT.warning()), ContainerCreator.warnings(o));
    Container c = create(o);
    assertEquals(supported ? 300 : 0, ContainerConfig.of(c).hostConfig().path("BlkioWeight").asInt());
    JsonNode blockIO = new ObjectMapper().readTree(c.getSpec().getValue().toByteArray()).path("linux")
        .path("resources").path("blockIO");
    assertEquals(supported ? 300 : 0, blockIO.path("weight").asInt());
  }

  @Test
  void storageOptionsOtherVolumeDriversAndGpusAreRefusedAsDockersDaemonRefusesThem() {
    ContainerOptions size = new ContainerOptions();
    size.image = "with-layer";
    size.storageOpts = List.of("size=10G");
    assertEquals("--storage-opt is supported only for overlay over xfs with 'pquota' mount option",
        assertThrows(InvalidParameterException.class, () -> create(size)).getMessage());
    size.storageOpts = List.of("size");
    assertEquals("invalid storage option", assertThrows(ClientException.class, () -> create(size)).getMessage());

    ContainerOptions plugin = new ContainerOptions();
    plugin.image = "with-layer";
    plugin.volumeDriver = "flocker";
    plugin.volumes = List.of("data:/data");
    assertEquals("create data: error looking up volume plugin flocker: plugin \"flocker\" not found",
        assertThrows(InvalidParameterException.class, () -> create(plugin)).getMessage());
    assertEquals(List.of(), volumes.created, "refused before any volume is made");
    // as Docker's: without a volume for it to make, the driver is only recorded
    plugin.volumes = List.of();
    assertEquals("flocker", ContainerConfig.of(create(plugin)).hostConfig().path("VolumeDriver").asText());

    ContainerOptions gpus = new ContainerOptions();
    gpus.image = "with-layer";
    gpus.gpus = List.of("\"device=0,2\",\"capabilities=compute,utility\"", "all");
    assertEquals("[{\"Driver\":\"\",\"Count\":0,\"DeviceIDs\":[\"0\",\"2\"],\"Capabilities\":[[\"compute\","
        + "\"utility\",\"gpu\"]],\"Options\":{}},{\"Driver\":\"\",\"Count\":-1,\"DeviceIDs\":null,"
        + "\"Capabilities\":[[\"gpu\"]],\"Options\":{}}]",
        ContainerConfig.of(create(gpus)).hostConfig().path("DeviceRequests").toString());
    gpus.gpus = List.of("count=2,count=3");
    assertEquals("invalid argument \"count=2,count=3\" for \"--gpus\" flag: gpu request key 'count' can be specified "
        + "only once", assertThrows(ClientException.class, () -> create(gpus)).getMessage());

    ContainerOptions annotation = new ContainerOptions();
    annotation.image = "with-layer";
    annotation.annotations = List.of("=x");
    assertEquals("invalid Annotations: the empty string is not permitted as an annotation key",
        assertThrows(InvalidParameterException.class, () -> create(annotation)).getMessage());
  }

  @Test
  void aMissingBindSourceOfDashVIsMadeAsDockerDoes() {
    ContainerOptions o = plain();
    o.volumes = List.of(root.resolve("made/here") + ":/mnt");
    // the test image has no command, so creation stops after the mounts; Docker keeps such a directory too
    assertThrows(InvalidParameterException.class, () -> create(o));
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
