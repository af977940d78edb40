package dev.berth.client.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.InvalidValueException;
import dev.berth.client.ClientException;
import dev.berth.client.images.ImageConfig;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import dev.berth.client.testing.TestLayer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpecBuilderTest {
  private static ImageConfig busybox;

  /** The busybox test image's own /etc/passwd and /etc/group. */
  private static final RootfsFiles BUSYBOX_FILES = path -> Optional.ofNullable(Map.of(
      "/etc/passwd", TestImages.PASSWD, "/etc/group", TestImages.GROUP).get(path))
      .map(s -> s.getBytes(StandardCharsets.UTF_8));

  @BeforeAll
  static void image() {
    busybox = ImageConfig.parse(TestImages.busybox().config());
  }

  private static SpecBuilder busybox() {
    return SpecBuilder.create("default", "0123456789abcdef0123").image(busybox).rootfsFiles(BUSYBOX_FILES);
  }

  /** A one-layer image whose config has an entrypoint and cmd. */
  private static ImageConfig entrypointImage() {
    TestImage image = TestImage.builder("echoer").layer(new TestLayer().file("x", "x"))
        .entrypoint("/bin/echo", "say").cmd("hello").env("FOO=image", "BAR=image").workingDir("/srv").user("nobody")
        .build();
    return ImageConfig.parse(image.config());
  }

  @Test
  void busyboxDefaultsFollowContainerdAndRunc() {
    Spec spec = busybox().build();

    assertEquals(List.of("sh"), spec.process().args());
    assertEquals(List.of("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=0123456789ab"),
        spec.process().env());
    assertEquals("/", spec.process().cwd());
    assertEquals(new Spec.User(0, 0, List.of()), spec.process().user());
    assertFalse(spec.process().terminal());
    assertFalse(spec.process().noNewPrivileges());
    assertEquals(DefaultSpec.CAPABILITIES, spec.process().capabilities().bounding());
    assertEquals(DefaultSpec.CAPABILITIES, spec.process().capabilities().effective());
    assertEquals(DefaultSpec.CAPABILITIES, spec.process().capabilities().permitted());
    assertEquals(List.of(new Spec.Rlimit("RLIMIT_NOFILE", 1024, 1024)), spec.process().rlimits());
    assertEquals("0123456789ab", spec.hostname());
    assertEquals(new Spec.Root("rootfs", false), spec.root());
    assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"),
        spec.mounts().stream().map(Spec.Mount::destination).toList());
    assertEquals(new Spec.Mount("/dev/pts", "devpts", "devpts",
        List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5")), spec.mounts().get(2));
    assertTrue(spec.mounts().get(5).options().contains("ro"));
    assertTrue(spec.mounts().get(6).options().contains("ro"));
    assertEquals(List.of("pid", "network", "mount", "ipc", "uts"),
        spec.linux().namespaces().stream().map(Spec.Namespace::type).toList());
    assertTrue(spec.linux().namespaces().stream().allMatch(n -> n.path().isEmpty()));
    assertEquals("/default/0123456789abcdef0123", spec.linux().cgroupsPath());
    assertTrue(spec.linux().maskedPaths().contains("/proc/kcore"));
    assertTrue(spec.linux().readonlyPaths().contains("/proc/sys"));
    assertEquals(List.of(new Spec.DeviceRule(false, null, null, null, "rwm")), spec.linux().resources().devices());
    assertNull(spec.linux().resources().memory());
    assertNull(spec.linux().resources().cpu());
    assertNull(spec.linux().resources().pids());
  }

  @Test
  void imageEntrypointAndCmdRunUnlessReplaced() {
    ImageConfig image = entrypointImage();
    SpecBuilder base = SpecBuilder.create("ns", "c1").image(image).rootfsFiles(BUSYBOX_FILES);
    assertEquals(List.of("/bin/echo", "say", "hello"), base.build().process().args());
    assertEquals(List.of("/bin/echo", "say", "bye"), base.args(List.of("bye")).build().process().args());

    SpecBuilder replaced = SpecBuilder.create("ns", "c1").image(image).rootfsFiles(BUSYBOX_FILES)
        .entrypoint(List.of("/bin/sh"));
    assertEquals(List.of("/bin/sh"), replaced.build().process().args(), "--entrypoint drops the image's cmd");
    assertEquals(List.of("/bin/sh", "-c", "true"), replaced.args(List.of("-c", "true")).build().process().args());

    SpecBuilder cleared = SpecBuilder.create("ns", "c1").image(image).rootfsFiles(BUSYBOX_FILES).entrypoint(List.of());
    InvalidValueException e = assertThrows(InvalidValueException.class, cleared::build);
    assertTrue(e.getMessage().startsWith("no command"), e.getMessage());
    assertEquals(List.of("ls"), cleared.args(List.of("ls")).build().process().args());
  }

  @Test
  void envIsTheImagesThenTheFlagsByName() {
    ImageConfig image = entrypointImage();
    Spec spec = SpecBuilder.create("ns", "web").image(image).rootfsFiles(BUSYBOX_FILES)
        .env(List.of("BAR=flag", "NEW=1")).env(List.of("NEW=2")).terminal(true).build();
    assertEquals(List.of(DefaultSpec.PATH, "HOSTNAME=web", "TERM=xterm", "FOO=image", "BAR=flag", "NEW=2"),
        spec.process().env());
    assertTrue(spec.process().terminal());

    Spec ownPath = busybox().env(List.of("PATH=/bin", "HOSTNAME=mine")).build();
    assertEquals(List.of("PATH=/bin", "HOSTNAME=mine"), ownPath.process().env());
    assertThrows(InvalidValueException.class, () -> busybox().env(List.of("NOVALUE")));
  }

  @Test
  void theConsoleSizeGoesIntoTheSpecOfAProcessWithATerminalOnly() throws Exception {
    Spec.ConsoleSize size = new Spec.ConsoleSize(33, 111);
    Spec sized = busybox().terminal(true).consoleSize(size).build();
    assertEquals(size, sized.process().consoleSize());
    // the runtime reads it from config.json: as runc names it
    assertTrue(new String(SpecJson.toBytes(sized), java.nio.charset.StandardCharsets.UTF_8)
        .contains("\"consoleSize\":{\"height\":33,\"width\":111}"));
    assertEquals(size, SpecJson.processOf(SpecJson.toAny(sized)).consoleSize());
    assertEquals(null, busybox().consoleSize(size).build().process().consoleSize());
  }

  @Test
  void workingDirAndUserComeFromTheImageUnlessGiven() {
    ImageConfig image = entrypointImage();
    Spec fromImage = SpecBuilder.create("ns", "c").image(image).rootfsFiles(BUSYBOX_FILES).build();
    assertEquals("/srv", fromImage.process().cwd());
    assertEquals(new Spec.User(65534, 65534, List.of()), fromImage.process().user());

    Spec given = SpecBuilder.create("ns", "c").image(image).rootfsFiles(BUSYBOX_FILES)
        .workingDir("/tmp").user("1000:nogroup").build();
    assertEquals("/tmp", given.process().cwd());
    assertEquals(new Spec.User(1000, 65534, List.of()), given.process().user());

    Spec docker = SpecBuilder.create("ns", "c").image(image).rootfsFiles(BUSYBOX_FILES).ownGroupSupplementary()
        .user("1000:nogroup").groupAdd(List.of("7")).build();
    assertEquals(new Spec.User(1000, 65534, List.of(65534L, 7L)), docker.process().user(), "Docker's daemon's groups");

    InvalidValueException relative = assertThrows(InvalidValueException.class, () -> busybox().workingDir("tmp"));
    assertEquals("invalid working directory \"tmp\": not an absolute path", relative.getMessage());
    InvalidValueException unknown = assertThrows(InvalidValueException.class, () -> busybox().user("web").build());
    assertEquals("unable to find user web: no matching entries in passwd file", unknown.getMessage());
  }

  @Test
  void resourcesFromFlags() {
    Spec spec = busybox().memory(ResourceFlags.memory("512m")).memorySwap(ResourceFlags.memorySwap("1g"))
        .cpus(ResourceFlags.cpus("1.5")).cpuShares(ResourceFlags.cpuShares("512"))
        .cpusetCpus(ResourceFlags.cpuset("0-1")).pidsLimit(ResourceFlags.pidsLimit("100")).build();
    Spec.Resources r = spec.linux().resources();
    assertEquals(new Spec.Memory(512L << 20, 1L << 30), r.memory());
    assertEquals(new Spec.Cpu(512L, 150_000L, 100_000L, "0-1", null), r.cpu());
    assertEquals(new Spec.Pids(100), r.pids());

    assertEquals(new Spec.Memory(64L << 20, -1L), busybox().memory(64L << 20).memorySwap(-1).build()
        .linux().resources().memory());
    assertEquals("a memory-swap limit needs a memory limit",
        assertThrows(InvalidValueException.class, () -> busybox().memorySwap(1L << 30).build()).getMessage());
    assertThrows(InvalidValueException.class, () -> busybox().memory(1L << 30).memorySwap(512L << 20).build());
    assertThrows(InvalidValueException.class, () -> busybox().memory(1L << 20));

    assertEquals(new Spec.Memory(null, null, 32L << 20, true, null), busybox().memoryReservation(32L << 20).oomKillDisable()
        .build().linux().resources().memory());
    assertThrows(InvalidValueException.class, () -> busybox().memoryReservation(1L << 20));
    assertTrue(assertThrows(InvalidValueException.class, () -> busybox().memory(64L << 20)
        .memoryReservation(128L << 20).build()).getMessage().contains("memory reservation"));
  }

  @Test
  void blockIoFlagsAndDeviceCgroupRulesAreReadAsDockersCliReadsThem() {
    assertEquals(new BlockIoFlags.DeviceValue("/dev/sda", 1536L << 10), BlockIoFlags.bps("--device-read-bps", "/dev/sda:1.5mb"));
    assertEquals(new BlockIoFlags.DeviceValue("/dev/sda", 20), BlockIoFlags.bps("--device-write-bps", "/dev/sda:20"));
    assertEquals(new BlockIoFlags.DeviceValue("/dev/sda", 1000), BlockIoFlags.iops("--device-read-iops", "/dev/sda:1000"));
    assertEquals(new BlockIoFlags.DeviceValue("/dev/sda", 300), BlockIoFlags.weightDevice("/dev/sda:300"));
    assertEquals("invalid argument \"sda:300\" for \"--blkio-weight-device\" flag: bad format for device path: sda:300",
        assertThrows(ClientException.class, () -> BlockIoFlags.weightDevice("sda:300")).getMessage());
    assertEquals("invalid argument \"/dev/sda:5\" for \"--blkio-weight-device\" flag: invalid weight for device: "
        + "/dev/sda:5", assertThrows(ClientException.class, () -> BlockIoFlags.weightDevice("/dev/sda:5")).getMessage());
    assertEquals("invalid argument \"/dev/sda:1k\" for \"--device-read-iops\" flag: invalid rate for device: /dev/sda:1k."
        + " The correct format is <device-path>:<number>. Number must be a positive integer",
        assertThrows(ClientException.class, () -> BlockIoFlags.iops("--device-read-iops", "/dev/sda:1k")).getMessage());
    assertThrows(ClientException.class, () -> BlockIoFlags.bps("--device-read-bps", "/dev/sda"));
    assertEquals("Range of blkio weight is from 10 to 1000",
        assertThrows(ClientException.class, () -> BlockIoFlags.requireWeightRange(5)).getMessage());
    assertThrows(ClientException.class, () -> BlockIoFlags.weight("70000"));

    assertEquals(new Spec.DeviceRule(true, "c", 1L, 3L, "rwm"), DeviceCgroupRules.parse("c 1:3 rwm"));
    assertEquals(new Spec.DeviceRule(true, "a", -1L, -1L, "r"), DeviceCgroupRules.parse("a *:* r"));
    assertEquals("invalid argument \"c 1:3\" for \"--device-cgroup-rule\" flag: invalid device cgroup format 'c 1:3'",
        assertThrows(ClientException.class, () -> DeviceCgroupRules.parse("c 1:3")).getMessage());
  }

  @Test
  void memoryNodesBlockIoAndDeviceRulesGoIntoTheResources() {
    Spec.BlockIO blockIO = new Spec.BlockIO(300, List.of(new Spec.WeightDevice(8, 0, 200)), null,
        List.of(new Spec.ThrottleDevice(8, 0, 1 << 20)), null, null);
    Spec.Resources r = busybox().cpusetMems("0").blockIO(blockIO)
        .deviceRules(List.of(DeviceCgroupRules.parse("c 10:200 rwm"))).build().linux().resources();
    assertEquals(new Spec.Cpu(null, null, null, null, "0"), r.cpu());
    assertEquals(blockIO, r.blockIO());
    assertEquals(new Spec.DeviceRule(true, "c", 10L, 200L, "rwm"), r.devices().get(r.devices().size() - 1),
        "after the deny-all rule, as Docker's");
    assertThrows(InvalidValueException.class, () -> busybox().cpusetMems("1-0"));
  }

  @Test
  void mountsAddToAndReplaceTheDefaults(@TempDir Path volumeDir) {
    Spec spec = busybox()
        .mount(VolumeSpec.parse("/srv/www:/usr/share/www:ro"))
        .mount(VolumeSpec.parse("/host/etc:/usr"))
        .volume(VolumeSpec.parse("data:/data"), volumeDir)
        .mount(TmpfsSpec.parse("/dev/shm:size=8m"))
        .readOnlyRootfs(true)
        .build();
    List<Spec.Mount> mounts = spec.mounts();
    assertEquals(List.of("/proc", "/dev", "/dev/pts", "/dev/mqueue", "/sys", "/sys/fs/cgroup",
        "/usr", "/data", "/dev/shm", "/usr/share/www"), mounts.stream().map(Spec.Mount::destination).toList(),
        "the tmpfs replaces the default /dev/shm; parents mount before their children");
    assertEquals(new Spec.Mount("/usr/share/www", "bind", "/srv/www", List.of("rbind", "ro", "rprivate")),
        mounts.get(9));
    assertEquals(new Spec.Mount("/data", "bind", volumeDir.toString(), List.of("rbind", "rw", "rprivate")),
        mounts.get(7));
    assertEquals(new Spec.Mount("/dev/shm", "tmpfs", "tmpfs", List.of("noexec", "nosuid", "nodev", "size=8m")),
        mounts.get(8));
    assertTrue(spec.root().readonly());

    InvalidValueException twice = assertThrows(InvalidValueException.class,
        () -> busybox().mount(VolumeSpec.parse("/a:/data")).mount(TmpfsSpec.parse("/data/")));
    assertEquals("invalid mount \"/data\": more than one mount at this container path", twice.getMessage());
  }

  @Test
  void namespacesCanBeSharedJoinedOrAdded() {
    Spec host = busybox().hostNamespace(NamespaceType.NETWORK).build();
    assertTrue(host.linux().namespaces().stream().noneMatch(n -> n.type().equals("network")));

    Spec joined = busybox().joinNamespace(NamespaceType.NETWORK, "/proc/42/ns/net").cgroupNamespace().build();
    assertTrue(joined.linux().namespaces().contains(new Spec.Namespace("network", "/proc/42/ns/net")));
    assertTrue(joined.linux().namespaces().contains(new Spec.Namespace("cgroup", "")));

    List<Spec.IdMapping> map = List.of(new Spec.IdMapping(0, 100000, 65536));
    Spec userns = busybox().userNamespace(map, map).hostNamespace(NamespaceType.NETWORK).build();
    assertTrue(userns.linux().namespaces().contains(new Spec.Namespace("user", "")));
    assertEquals(map, userns.linux().uidMappings());
    assertEquals("bind", userns.mounts().stream().filter(m -> m.destination().equals("/sys")).findFirst()
        .orElseThrow().type(), "no sysfs in a user namespace without its own network namespace");

    Spec hostUts = busybox().hostNamespace(NamespaceType.UTS).build();
    assertNull(hostUts.hostname());
    assertFalse(hostUts.process().env().stream().anyMatch(v -> v.startsWith("HOSTNAME=")));
    assertThrows(InvalidValueException.class, () -> busybox().hostNamespace(NamespaceType.UTS).hostname("x").build());
    assertThrows(IllegalArgumentException.class, () -> busybox().hostNamespace(NamespaceType.MOUNT));
  }

  @Test
  void optionsAndPassThrough() {
    Spec spec = busybox().hostname("web").noNewPrivileges(true).annotation("org.example/a", "1")
        .cgroupsPath("/berth/x").rlimit("RLIMIT_NOFILE", 512, 1024).rlimit("RLIMIT_NPROC", 100, 100).build();
    assertEquals("web", spec.hostname());
    assertTrue(spec.process().noNewPrivileges());
    assertEquals(Map.of("org.example/a", "1"), spec.annotations());
    assertEquals("/berth/x", spec.linux().cgroupsPath());
    assertEquals(List.of(new Spec.Rlimit("RLIMIT_NOFILE", 1024, 512), new Spec.Rlimit("RLIMIT_NPROC", 100, 100)),
        spec.process().rlimits());
    assertThrows(InvalidValueException.class, () -> busybox().rlimit("RLIMIT_NOFILE", 10, 5));
    assertThrows(InvalidValueException.class, () -> busybox().hostname("bad_name"));
  }

  @Test
  void capabilitiesAddAndDropAsDockerDoes() {
    List<String> caps = busybox().capabilities(List.of("net_admin", "CAP_SYS_PTRACE"), List.of("MKNOD")).build()
        .process().capabilities().effective();
    assertTrue(caps.containsAll(List.of("CAP_NET_ADMIN", "CAP_SYS_PTRACE", "CAP_CHOWN")), caps.toString());
    assertFalse(caps.contains("CAP_MKNOD"));
    assertEquals(List.of("CAP_CHOWN"),
        Capabilities.resolve(DefaultSpec.CAPABILITIES, List.of("chown"), List.of("ALL"), Capabilities.ALL));
    assertEquals(Capabilities.ALL.size() - 1,
        Capabilities.resolve(DefaultSpec.CAPABILITIES, List.of("ALL"), List.of("SYS_ADMIN"), Capabilities.ALL).size());
    assertEquals(List.of("CAP_CHOWN", "CAP_KILL"), Capabilities.of(0b100001));
    assertEquals(List.of("CAP_KILL"), busybox().allCapabilities(List.of("CAP_KILL")).capabilities(List.of("ALL"),
        List.of()).build().process().capabilities().bounding());
    assertTrue(Capabilities.bounding().contains("CAP_CHOWN"));
    assertThrows(InvalidValueException.class, () -> busybox().capabilities(List.of("FLY"), List.of()));
  }

  @Test
  void privilegedGetsEveryCapabilityAndDeviceAndAWritableSys() {
    Spec.Device null0 = new Spec.Device("/dev/null", "c", 1, 3, 0666, 0, 0);
    Spec spec = busybox().privileged(List.of(null0)).build();
    assertEquals(Capabilities.ALL, spec.process().capabilities().bounding());
    assertEquals(List.of(null0), spec.linux().devices());
    assertEquals(List.of(DefaultSpec.ALLOW_ALL_DEVICES), spec.linux().resources().devices());
    assertTrue(spec.linux().maskedPaths().isEmpty() && spec.linux().readonlyPaths().isEmpty());
    assertTrue(spec.mounts().stream().filter(m -> m.destination().startsWith("/sys"))
        .noneMatch(m -> m.options().contains("ro")));
    assertTrue(busybox().build().linux().devices().isEmpty());
  }

  @Test
  void ulimitsAndShmSize() {
    Spec spec = busybox().ulimit(Ulimit.parse("nofile=512:1024")).ulimit(Ulimit.parse("nproc=64"))
        .shmSize(128L << 20).build();
    assertTrue(spec.process().rlimits().contains(new Spec.Rlimit("RLIMIT_NOFILE", 1024, 512)));
    assertTrue(spec.process().rlimits().contains(new Spec.Rlimit("RLIMIT_NPROC", 64, 64)));
    assertTrue(spec.mounts().stream().anyMatch(m -> m.destination().equals("/dev/shm")
        && m.options().contains("size=" + (128L << 20))));
    assertThrows(InvalidValueException.class, () -> Ulimit.parse("nofile=2048:1024"));
    assertThrows(InvalidValueException.class, () -> Ulimit.parse("files=1"));
    assertThrows(InvalidValueException.class, () -> Ulimit.parse("nofile=lots"));
  }

  @Test
  void withoutShmLeavesOutTheDefaultDevShmButNotTheCallers() {
    assertTrue(busybox().withoutShm().build().mounts().stream().noneMatch(m -> m.destination().equals("/dev/shm")));
    Spec own = busybox().withoutShm().mount(TmpfsSpec.parse("/dev/shm:size=1m")).build();
    assertEquals(1, own.mounts().stream().filter(m -> m.destination().equals("/dev/shm")).count());
  }

  @Test
  void hostShmBindsTheHostsDevShmUnlessTheCallerMountsOne() {
    List<Spec.Mount> shm = busybox().hostShm().shmSize(1L << 20).build().mounts().stream()
        .filter(m -> m.destination().equals("/dev/shm")).toList();
    assertEquals(List.of(new Spec.Mount("/dev/shm", "bind", "/dev/shm", List.of("rbind", "rprivate"))), shm);
    Spec own = busybox().hostShm().mount(TmpfsSpec.parse("/dev/shm:size=1m")).build();
    assertEquals(List.of("tmpfs"), own.mounts().stream().filter(m -> m.destination().equals("/dev/shm"))
        .map(Spec.Mount::type).toList());
  }

  @Test
  void minusOneIsAnUnlimitedUlimitAsInDocker() {
    assertEquals(new Ulimit("RLIMIT_CORE", -1, -1), Ulimit.parse("core=-1"));
    assertEquals(new Ulimit("RLIMIT_NOFILE", -1, -1), Ulimit.parse("nofile=-1:-1"));
    assertEquals(new Ulimit("RLIMIT_NOFILE", 1024, -1), Ulimit.parse("nofile=1024:-1"));
    assertThrows(InvalidValueException.class, () -> Ulimit.parse("nofile=-1:1024"), "unlimited is above 1024");
    assertThrows(InvalidValueException.class, () -> Ulimit.parse("nofile=-2"));
  }

  @Test
  void hostDevicesAreTheDeviceNodesOfDev() {
    List<Spec.Device> devices = HostDevices.list();
    assertTrue(devices.stream().anyMatch(d -> d.path().equals("/dev/null") && d.type().equals("c")
        && d.major() == 1 && d.minor() == 3), devices.toString());
    assertTrue(devices.stream().noneMatch(d -> d.path().startsWith("/dev/pts/")));
  }
}
