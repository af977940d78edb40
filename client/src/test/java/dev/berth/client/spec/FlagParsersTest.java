package dev.berth.client.spec;

import static dev.berth.api.testing.Refusals.refused;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.api.InvalidValueException;
import dev.berth.client.InvalidParameterException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Docker's flag values: what each parser makes of good ones, and that bad ones are named in the error. */
class FlagParsersTest {
  @Test
  void memorySizes() {
    assertEquals(512L << 20, ResourceFlags.memory("512m"));
    assertEquals(1L << 30, ResourceFlags.memory("1g"));
    assertEquals(1L << 30, ResourceFlags.memory("1G"));
    assertEquals(3L << 29, ResourceFlags.memory("1.5g"));
    assertEquals(64L << 20, ResourceFlags.memory("64MiB"));
    assertEquals(64L << 20, ResourceFlags.memory("64mb"));
    assertEquals(10L << 20, ResourceFlags.memory(Long.toString(10L << 20)));
    assertEquals(2048, ResourceFlags.bytes("size", "2k"));
    assertEquals(-1, ResourceFlags.memorySwap("-1"));
    assertEquals(2L << 30, ResourceFlags.memorySwap("2g"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "12x", "m", "-5m", "1.2.3g", "1 g b", "99999999999p"})
  void badMemorySizes(String text) {
    refused(ResourceFlags::memory, text);
  }

  @Test
  void memoryBelowTheMinimumIsRefused() {
    // Docker's daemon's words, which its CLI prints after "Error response from daemon: "
    assertEquals("Minimum memory limit allowed is 6MB",
        assertThrows(InvalidParameterException.class, () -> ResourceFlags.memory("4m")).getMessage());
    refused(ResourceFlags::memorySwap, "-2");
  }

  @Test
  void cpus() {
    assertEquals(new ResourceFlags.CpuQuota(150_000, 100_000), ResourceFlags.cpus("1.5"));
    assertEquals(new ResourceFlags.CpuQuota(200_000, 100_000), ResourceFlags.cpus("2"));
    assertEquals(new ResourceFlags.CpuQuota(1_000, 100_000), ResourceFlags.cpus("0.01"));
    assertEquals("invalid number of CPUs \"0.001\": the minimum is 0.01", refused(ResourceFlags::cpus, "0.001"));
    refused(ResourceFlags::cpus, "one");
    refused(ResourceFlags::cpus, "-1");
    refused(ResourceFlags::cpus, "0");
  }

  @Test
  void cpuSharesCpusetAndPids() {
    assertEquals(512, ResourceFlags.cpuShares("512"));
    refused(ResourceFlags::cpuShares, "1");
    refused(ResourceFlags::cpuShares, "300000");
    refused(ResourceFlags::cpuShares, "lots");
    assertEquals("0-2,4", ResourceFlags.cpuset("0-2,4"));
    assertEquals("1", ResourceFlags.cpuset("1"));
    assertEquals("invalid cpuset \"3-1\": range 3-1 runs backwards", refused(ResourceFlags::cpuset, "3-1"));
    refused(ResourceFlags::cpuset, "0,,1");
    refused(ResourceFlags::cpuset, "a");
    assertEquals(100, ResourceFlags.pidsLimit("100"));
    assertEquals(-1, ResourceFlags.pidsLimit("-1"));
    assertEquals(-1, ResourceFlags.pidsLimit("0"));
    refused(ResourceFlags::pidsLimit, "-2");
    refused(ResourceFlags::pidsLimit, "1.5");
  }

  @Test
  void volumes() {
    assertEquals(new VolumeSpec(VolumeSpec.Kind.BIND, "/srv/data", "/data", true, "rprivate"),
        VolumeSpec.parse("/srv/data:/data:ro"));
    assertEquals(new VolumeSpec(VolumeSpec.Kind.BIND, "/srv", "/data", false, "rshared"),
        VolumeSpec.parse("/srv:/data/./:rw,rshared"));
    assertEquals(new VolumeSpec(VolumeSpec.Kind.NAMED, "pgdata", "/var/lib/pg", false, "rprivate"),
        VolumeSpec.parse("pgdata:/var/lib/pg"));
    assertEquals(new VolumeSpec(VolumeSpec.Kind.ANONYMOUS, "", "/cache", false, "rprivate"),
        VolumeSpec.parse("/cache"));
    assertEquals(new VolumeSpec(VolumeSpec.Kind.NAMED, "pgdata", "/var/lib/pg", true, "rprivate", true),
        VolumeSpec.parse("pgdata:/var/lib/pg:nocopy,ro"));
    assertThrows(InvalidValueException.class, () -> VolumeSpec.parse("/srv:/data:nocopy"));
    // Docker's volume names: two characters or more, '_', '.' and '-' anywhere after the first
    for (String name : List.of("my__vol", "vol-", "1.-x")) {
      assertEquals(new VolumeSpec(VolumeSpec.Kind.NAMED, name, "/x", false, "rprivate"), VolumeSpec.parse(name + ":/x"));
      assertEquals(VolumeSpec.parse(name + ":/x"), MountFlag.parse("src=" + name + ",dst=/x"));
    }
    assertThrows(InvalidValueException.class, () -> VolumeSpec.parse("a:/x"));
    // SELinux's relabel options, which Docker takes and this host has nothing to do for
    assertEquals(VolumeSpec.parse("/srv/data:/data:ro"), VolumeSpec.parse("/srv/data:/data:ro,z"));
    assertEquals(VolumeSpec.parse("/srv/data:/data"), VolumeSpec.parse("/srv/data:/data:Z"));
    assertEquals(new Spec.Mount("/data", "bind", "/srv/data", List.of("rbind", "ro", "rprivate")),
        VolumeSpec.parse("/srv/data:/data:ro").bindMount());
    assertEquals(new Spec.Mount("/var/lib/pg", "bind", "/v/pgdata", List.of("rbind", "rw", "rprivate")),
        VolumeSpec.parse("pgdata:/var/lib/pg").volumeMount(Path.of("/v/pgdata")));
    assertThrows(IllegalStateException.class, () -> VolumeSpec.parse("pgdata:/x").bindMount());
  }

  @Test
  void relativeBindSourcesAreTheCallersWorkingDirectorysAsDockersCliTakesThem() {
    Path here = Path.of("/home/u/app");
    assertEquals(new VolumeSpec(VolumeSpec.Kind.BIND, "/home/u/app/site", "/www", true, "rprivate"),
        VolumeSpec.parse("./site:/www:ro", here));
    assertEquals("/home/u/app", VolumeSpec.parse(".:/x", here).source());
    assertEquals("/home/u/shared", VolumeSpec.parse("../shared:/x", here).source());
    assertEquals(VolumeSpec.Kind.NAMED, VolumeSpec.parse("data:/x", here).kind());
    assertEquals("/home/u/app/x", ((VolumeSpec) MountFlag.parse("type=bind,src=./x,dst=/b", here)).source());
    assertEquals("/home/u", ((VolumeSpec) MountFlag.parse("type=bind,source=..,target=/b", here)).source());
    assertThrows(InvalidValueException.class, () -> MountFlag.parse("type=bind,src=./x,dst=/b"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "data", "/a:b", "/a:/", "./rel:/x", "a:/x", "/a:/b:rx", "/a:/b:ro,rw", "/a:/b:ro,ro",
      "/a:/b:shared,slave", "/a:/b:c:d", "/data:ro", "bad name:/x"})
  void badVolumes(String text) {
    refused(VolumeSpec::parse, text);
  }

  @Test
  void tmpfs() {
    assertEquals(new TmpfsSpec("/run", List.of("noexec", "nosuid", "nodev")), TmpfsSpec.parse("/run"));
    assertEquals(new TmpfsSpec("/run", List.of("exec", "nosuid", "nodev", "size=64m", "mode=1777")),
        TmpfsSpec.parse("/run:exec,size=64m,mode=1777"));
    assertEquals(new Spec.Mount("/tmp", "tmpfs", "tmpfs", List.of("noexec", "nosuid", "nodev", "ro")),
        TmpfsSpec.parse("/tmp:ro").mount());
  }

  @ParameterizedTest
  @ValueSource(strings = {"run", "/", "/run:bogus", "/run:size=lots", "/run:mode=999", "/run:uid=x", "/run:size"})
  void badTmpfs(String text) {
    refused(TmpfsSpec::parse, text);
  }

  @Test
  void mountFlags() {
    assertEquals(new VolumeSpec(VolumeSpec.Kind.BIND, "/srv", "/data", true, "rslave"),
        MountFlag.parse("type=bind,source=/srv,target=/data,readonly,bind-propagation=rslave"));
    assertEquals(new VolumeSpec(VolumeSpec.Kind.BIND, "/srv", "/data", false, "rprivate"),
        MountFlag.parse("type=bind,src=/srv,dst=/data,ro=false"));
    assertEquals(new VolumeSpec(VolumeSpec.Kind.NAMED, "logs", "/logs", true, "rprivate"),
        MountFlag.parse("source=logs,destination=/logs,ro=1"));
    assertEquals(new VolumeSpec(VolumeSpec.Kind.ANONYMOUS, "", "/cache", false, "rprivate"),
        MountFlag.parse("type=volume,target=/cache"));
    assertEquals(new VolumeSpec(VolumeSpec.Kind.NAMED, "logs", "/logs", false, "rprivate", true),
        MountFlag.parse("source=logs,target=/logs,volume-nocopy"));
    assertThrows(InvalidValueException.class, () -> MountFlag.parse("type=bind,source=/srv,target=/d,volume-nocopy"));
    assertEquals(new VolumeSpec(VolumeSpec.Kind.NAMED, "vol", "/d", false, "rprivate", false,
        Map.of("type", "tmpfs", "device", "tmpfs", "o", "size=10m"), Map.of()),
        MountFlag.parse("type=volume,src=vol,dst=/d,volume-opt=type=tmpfs,volume-opt=device=tmpfs,volume-opt=o=size=10m"));
    // Docker's volume-driver (local, the only one) and volume-label, and its CSV quoting
    assertEquals(new VolumeSpec(VolumeSpec.Kind.NAMED, "vol", "/d", false, "rprivate", false,
        Map.of("o", "size=10m,uid=1000"), Map.of("team", "web", "k", "a \"b\"")),
        MountFlag.parse("src=vol,dst=/d,volume-driver=local,volume-label=team=web,\"volume-label=k=a \"\"b\"\"\","
            + "\"volume-opt=o=size=10m,uid=1000\""));
    assertEquals(MountFlag.parse("type=bind,src=/p,dst=/b"), MountFlag.parse("type=bind,\"src=/p\",dst=/b"));
    assertEquals(new TmpfsSpec("/scratch", List.of("noexec", "nosuid", "nodev", "size=1048576", "mode=700")),
        MountFlag.parse("type=tmpfs,target=/scratch,tmpfs-size=1m,tmpfs-mode=700"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "type=bind,source=/a", "type=bind,source=rel,target=/a", "type=nfs,target=/a",
      "type=volume,source=/abs,target=/a", "type=tmpfs,source=x,target=/a", "target=/a,color=red",
      "target=/a,readonly=maybe", "type=bind,source=/a,target=/b,tmpfs-size=1m", "type=,target=/a",
      "type=bind,source=/a,target=/b,bind-propagation=sideways", "type=bind,source=/a,target=/b,volume-opt=o=bind",
      "type=tmpfs,target=/b,volume-opt=type=tmpfs", "target=/b,volume-opt=type", "target=/b,volume-opt==x",
      "target=/b,volume-driver=nfs", "type=bind,source=/a,target=/b,volume-driver=local", "target=/b,volume-label=k",
      "type=bind,source=/a,target=/b,volume-label=k=v", "type=bind,\"src=/p,dst=/b", "type=bind,src=/\"p\",dst=/b",
      "type=bind,\"src=/p\"x,dst=/b"})
  void badMountFlags(String text) {
    refused(MountFlag::parse, text);
  }

  @Test
  void environment() {
    Map<String, String> client = Map.of("HOME", "/home/me", "EMPTY", "");
    assertEquals(Optional.of("A=1=2"), EnvVars.fromFlag("A=1=2", client));
    assertEquals(Optional.of("A="), EnvVars.fromFlag("A=", client));
    assertEquals(Optional.of("HOME=/home/me"), EnvVars.fromFlag("HOME", client));
    assertEquals(Optional.of("EMPTY="), EnvVars.fromFlag("EMPTY", client));
    assertEquals(Optional.empty(), EnvVars.fromFlag("MISSING", client));
    refused(t -> EnvVars.fromFlag(t, client), "=x");

    String file = "\uFEFF# settings\n\nA=1\n  B= spaced \nHOME\nMISSING\nQ=\"quoted\"\r\nC=x=y\n";
    assertEquals(List.of("A=1", "B= spaced ", "HOME=/home/me", "Q=\"quoted\"", "C=x=y"),
        KeyValueFile.parse(file, "env", k -> Optional.ofNullable(client.get(k))),
        "values are literal; a name alone takes the client's value, if any");
    assertEquals(List.of("a=1"), KeyValueFile.parse("a=1\nb\n", "labels", k -> Optional.empty()),
        "a name alone with nothing to look it up in is left out, as Docker's label files");
    // Docker's CLI's words, env file even for a label file
    assertEquals("invalid env file (env): variable 'MY VAR' contains whitespaces",
        envFileRefusal("MY VAR=1"));
    assertEquals("invalid env file (env): variable 'B ' contains whitespaces",
        envFileRefusal("  B = 2"));
    assertEquals("invalid env file (env): variable 'HOME ' contains whitespaces",
        envFileRefusal("HOME "));
    assertEquals("invalid env file (env): no variable name on line '=1'",
        envFileRefusal("=1"));
    assertEquals("open /no/such/env: no such file or directory",
        assertThrows(InvalidValueException.class,
        () -> KeyValueFile.read(Path.of("/no/such/env"), k -> Optional.empty())).getMessage());

    assertEquals(List.of("A=2", "B=1", "C=3"), EnvVars.merge(List.of("A=1", "B=1"), List.of("A=2", "C=3")));
  }

  private static String envFileRefusal(String content) {
    return assertThrows(InvalidValueException.class,
        () -> KeyValueFile.parse(content, "env", k -> Optional.empty())).getMessage();
  }

  @Test
  void sysctlsOfTheContainersNamespacesOnly() {
    assertEquals(new KeyValue("net.ipv4.ip_forward", "1"), NamespacedSysctls.parse("net.ipv4.ip_forward=1"));
    assertEquals(new KeyValue("kernel.sem", "250 32000 32 128"), NamespacedSysctls.parse("kernel.sem=250 32000 32 128"));
    assertEquals(new KeyValue("fs.mqueue.msg_max", "20"), NamespacedSysctls.parse("fs.mqueue.msg_max=20"));
    // runc refuses the host's sysctls at start; Docker's CLI refuses them before the container is made
    for (String hosts : List.of("vm.swappiness=1", "kernel.domainname=x", "net.ipv4.ip_forward", "=1")) {
      assertEquals("invalid argument \"" + hosts + "\" for \"--sysctl\" flag: sysctl '" + hosts + "' is not allowed",
          assertThrows(InvalidValueException.class, () -> NamespacedSysctls.parse(hosts)).getMessage());
    }
  }

  @Test
  void keyValues() {
    assertEquals(new KeyValue("com.example.team", "web"), KeyValue.parse("label", "com.example.team=web"));
    assertEquals(new KeyValue("flag", ""), KeyValue.parse("label", "flag"));
    assertEquals(new KeyValue("k", "a=b"), KeyValue.parse("label", "k=a=b"));
    assertEquals("invalid label \"=v\": the key is empty", refused(t -> KeyValue.parse("label", t), "=v"));
  }
}
