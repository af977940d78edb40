package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.volumes.v1.ListVolumesRequest;
import berth.volumes.v1.VolumesGrpc;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.FieldMask;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.UpdateContainerRequest;
import dev.berth.api.labels.ContainerLabels;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What containers made by berthctl get from berthd's network, volumes and cgroups: published
 * ports, the network modes, named volumes, a memory limit the kernel enforces. A whole berthd in
 * the test JVM on the real kernel, its networks in a network namespace of the test's own.
 */
class ContainerNetworkVolumesKernelTest extends BerthdKernelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What Docker's run prints after a failure before its container exists. */
  private static final String RUN_HELP = "\nSee 'berthctl run --help'.\n";

  @Test
  void aStartRefusedForATakenPortLeavesTheEndedContainerExitedWithItsTimes() throws Exception {
    try {
      ok("run", "-d", "--name", "earlier", "-p", "18097:80", "busybox", "sh", "-c", "exit 0");
      assertEquals("0\n", ok("wait", "earlier").out());
      JsonNode before = JSON.readTree(ok("inspect", "earlier").stdout()).get(0).get("State");
      ok("run", "-d", "--name", "holder", "-p", "18097:80", "busybox", "sleep", "1000");

      Cli.Result start = berthd.ctl("start", "earlier");
      assertEquals(1, start.exit(), start::toString);
      assertTrue(start.stderr().contains("18097/tcp is already published"), start::toString);
      JsonNode after = JSON.readTree(ok("inspect", "earlier").stdout()).get(0).get("State");
      assertEquals("exited", after.get("Status").asText());
      assertEquals(128, after.get("ExitCode").asInt(), "Docker's exitUnknown");
      assertTrue(after.get("Error").asText().contains("already published"), after::toString);
      assertEquals(before.get("StartedAt"), after.get("StartedAt"));
      assertEquals(before.get("FinishedAt"), after.get("FinishedAt"));
      assertTrue(ok("ps", "-a", "--filter", "name=earlier", "--format", "{{.Status}}").out().startsWith("Exited (128) "));

      ok("rm", "-f", "holder");
      ok("start", "earlier");
      assertEquals("0\n", ok("wait", "earlier").out());
      JsonNode again = JSON.readTree(ok("inspect", "earlier").stdout()).get(0).get("State");
      assertEquals(0, again.get("ExitCode").asInt());
      assertEquals("", again.get("Error").asText());
    } finally {
      berthd.ctl("rm", "-f", "earlier", "holder");
    }
  }

  @Test
  void publishedPortAnswersOnTheHost() throws Exception {
    ok("run", "-d", "--name", "web", "-p", "18080:80", "busybox", "sh", "-c",
        "echo hello from berth > /tmp/index.html && exec httpd -f -p 80 -h /tmp");
    assertEquals("hello from berth\n", page(18080, "hello"));
    assertTrue(ok("ps").out().contains("0.0.0.0:18080->80/tcp"), ok("ps").out());
    assertEquals("80/tcp -> 0.0.0.0:18080\n", ok("port", "web").out());
    JsonNode network = JSON.readTree(ok("inspect", "web").stdout()).get(0).get("NetworkSettings");
    assertTrue(network.get("IPAddress").asText().matches("\\d+\\.\\d+\\.\\d+\\.\\d+"), network.toString());
    assertTrue(network.get("MacAddress").asText().matches("([0-9a-f]{2}:){5}[0-9a-f]{2}"), network.toString());
    assertFalse(network.get("Gateway").asText().isEmpty(), network.toString());
    assertEquals("18080", network.get("Ports").get("80/tcp").get(0).get("HostPort").asText());

    String shared = ok("run", "--rm", "--network", "container:web", "busybox", "ip", "-4", "addr").out();
    assertTrue(shared.contains(network.get("IPAddress").asText() + "/"), shared);

    // a range, as docker takes one: a mapping per port, the second answering too
    ok("run", "-d", "--name", "ranged", "-p", "18084-18085:8080-8081", "busybox", "sh", "-c",
        "echo second > /tmp/index.html && exec httpd -f -p 8081 -h /tmp");
    assertEquals("8080/tcp -> 0.0.0.0:18084\n8081/tcp -> 0.0.0.0:18085\n", ok("port", "ranged").out());
    // Docker's CLI shows a range only of ports published to the same numbers
    assertEquals("0.0.0.0:18084->8080/tcp, 0.0.0.0:18085->8081/tcp\n",
        ok("ps", "--format", "{{.Ports}}", "--filter", "name=ranged").out());
    // Docker's publish= (a container port or range), before= and since= (a container)
    assertEquals("ranged\n", ok("ps", "--format", "{{.Names}}", "--filter", "publish=8081").out());
    assertEquals("ranged\nweb\n", ok("ps", "--format", "{{.Names}}", "--filter", "publish=80-8080/tcp").out());
    assertEquals("", ok("ps", "--format", "{{.Names}}", "--filter", "publish=80/udp").out());
    assertEquals("ranged\n", ok("ps", "--format", "{{.Names}}", "--filter", "since=web").out());
    assertEquals("web\n", ok("ps", "--format", "{{.Names}}", "--filter", "before=ranged").out());
    assertEquals("Error response from daemon: No such container: nosuch\n", berthd.ctl("ps", "--filter", "before=nosuch").stderr());
    assertEquals("second\n", page(18085, "second"));
  }

  @Test
  void psShowsExposedPortsAndMountsAndFiltersByExposedPorts(@TempDir Path host) {
    try {
      ok("run", "-d", "--name", "exposer", "--expose", "443", "--expose", "8000-8001/udp", "-p", "18090:80",
          "-v", "psvol:/data", "-v", host + ":/srv", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "plain", "busybox", "sleep", "1000");
      // Docker's PORTS: in order of container port, ranges of consecutive exposed ones, those published to
      // another port last
      assertEquals("443/tcp, 8000-8001/udp, 0.0.0.0:18090->80/tcp\n",
          ok("ps", "--format", "{{.Ports}}", "--filter", "name=exposer").out());
      // Docker's .Mounts: volume names and bind sources, cut to 15 characters unless --no-trunc
      String source = host.toString();
      assertEquals("psvol," + (source.length() > 15 ? source.substring(0, 14) + "…" : source) + "\n",
          ok("ps", "--format", "{{.Mounts}}", "--filter", "name=exposer").out());
      assertEquals("psvol," + source + "\n",
          ok("ps", "--no-trunc", "--format", "{{.Mounts}}", "--filter", "name=exposer").out());
      // volume= a volume's name, a bind's host path, or where either is mounted, as Docker's
      for (String mounted : List.of("psvol", "/data", source, "/srv")) {
        assertEquals("exposer\n", ok("ps", "--format", "{{.Names}}", "--filter", "volume=" + mounted).out(), mounted);
      }
      assertEquals("", ok("ps", "--format", "{{.Names}}", "--filter", "volume=/tmp").out());
      // expose= matches exposed ports, the published ones too, as Docker's
      for (String exposed : List.of("443", "80", "8001/udp", "400-500/tcp")) {
        assertEquals("exposer\n", ok("ps", "--format", "{{.Names}}", "--filter", "expose=" + exposed).out(), exposed);
      }
      assertEquals("", ok("ps", "--format", "{{.Names}}", "--filter", "expose=443/udp").out());
      assertEquals("", ok("ps", "--format", "{{.Names}}", "--filter", "publish=443").out(), "exposed, not published");
      // Docker's daemon's words for a filter it refuses, which scripts match
      Cli.Result bad = berthd.ctl("ps", "--filter", "expose=http");
      assertEquals(1, bad.exit(), bad::toString);
      assertTrue(bad.stderr().startsWith("Error response from daemon: invalid filter 'expose=http'"), bad::toString);
      Cli.Result unknown = berthd.ctl("ps", "--filter", "colour=red");
      assertEquals(1, unknown.exit(), unknown::toString);
      assertTrue(unknown.stderr().startsWith("Error response from daemon: invalid filter 'colour'"), unknown::toString);
      // every key Docker documents is taken: no container is a swarm task, and Linux has no isolation kinds
      assertEquals("exposer\n", ok("ps", "--format", "{{.Names}}", "-f", "name=exposer", "-f", "is-task=false").out());
      assertEquals("", ok("ps", "--format", "{{.Names}}", "-f", "name=exposer", "-f", "is-task=true").out());
      assertEquals("exposer\n", ok("ps", "--format", "{{.Names}}", "-f", "name=exposer", "-f", "isolation=default").out());
      assertEquals(1, berthd.ctl("ps", "--filter", "is-task=maybe").exit());
      // -n N and -l: the containers made last, in any state; -n beats -l, and -n 0 is no limit, as Docker's
      ok("create", "--name", "latecomer", "busybox", "true");
      assertEquals("latecomer\n", ok("ps", "-l", "--format", "{{.Names}}").out());
      assertEquals("latecomer\nplain\n", ok("ps", "-n", "2", "--format", "{{.Names}}").out());
      assertEquals("latecomer\nplain\n", ok("ps", "-l", "-n", "2", "--format", "{{.Names}}").out());
      assertEquals("plain\nexposer\n", ok("ps", "-n", "0", "--format", "{{.Names}}").out());
    } finally {
      removeContainers();
      berthd.ctl("volume", "rm", "psvol");
    }
  }

  @Test
  void aVolumeNameDockerRefusesIsRefusedAfterItsDaemonsPrefix() throws Exception {
    Cli.Result refused = berthd.ctl("volume", "create", "a");
    assertEquals(1, refused.exit(), refused::toString);
    assertEquals("Error response from daemon: create a: \"a\" includes invalid characters for a local volume name, "
        + "only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path\n",
        refused.stderr());
    // a driver berthd has not, as Docker's daemon refuses a volume plugin it cannot find
    Cli.Result driver = berthd.ctl("volume", "create", "-d", "flocker", "data");
    assertEquals(1, driver.exit(), driver::toString);
    assertEquals("Error response from daemon: create data: error looking up volume plugin flocker: plugin \"flocker\" "
        + "not found\n", driver.stderr());
  }

  @Test
  void localDriverOptionsMountATmpfsOrAHostDirectoryAsTheVolume(@TempDir Path host) throws Exception {
    String fsOfD = "awk '$2 == \"/d\" {print $3, $4}' /proc/mounts";
    try {
      ok("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "o=size=10m", "scratch");
      String mounted = ok("run", "--rm", "-v", "scratch:/d", "busybox", "sh", "-c", fsOfD).out();
      assertTrue(mounted.matches("tmpfs rw,.*size=10240k.*\n"), mounted);
      assertEquals("size=10m\n", ok("volume", "inspect", "-f", "{{.Options.o}}", "scratch").out());

      // --mount's volume-opt makes the volume it names with them
      mounted = ok("run", "--rm", "--mount", "type=volume,src=small,dst=/d,volume-opt=type=tmpfs,"
          + "volume-opt=device=tmpfs,volume-opt=o=size=5m", "busybox", "sh", "-c", fsOfD).out();
      assertTrue(mounted.matches("tmpfs rw,.*size=5120k.*\n"), mounted);
      Cli.Result other = berthd.ctl("run", "--rm", "--mount", "type=volume,src=small,dst=/d,volume-opt=type=tmpfs,"
          + "volume-opt=device=tmpfs,volume-opt=o=size=6m", "busybox", "true");
      assertEquals(125, other.exit(), other::toString);
      assertTrue(other.stderr().contains("volume small already exists with other driver options"), other::toString);

      Files.writeString(host.resolve("f"), "from the host");
      ok("volume", "create", "-o", "type=none", "-o", "o=bind", "-o", "device=" + host, "bound");
      assertEquals("from the host", ok("run", "--rm", "-v", "bound:/d", "busybox", "cat", "/d/f").out());
      ok("volume", "rm", "bound");
      assertEquals("from the host", Files.readString(host.resolve("f")), "the host's files outlive the volume");

      Cli.Result unknown = berthd.ctl("volume", "create", "-o", "type=tmpfs", "-o", "device=tmpfs", "-o", "size=10m",
          "bad");
      assertEquals(1, unknown.exit(), unknown::toString);
      assertTrue(unknown.stderr().contains("volume bad: unknown driver option \"size\": the local driver takes type, "
          + "device and o"), unknown::toString);
      assertFalse(ok("volume", "ls", "-q").out().lines().toList().contains("bad"));
    } finally {
      removeContainers();
      for (String volume : List.of("scratch", "small", "bound")) {
        berthd.ctl("volume", "rm", volume);
      }
    }
  }

  @Test
  void aLinkIsAHostsEntryForTheLinkedContainerUnderItsNameAndAlias() throws Exception {
    try {
      ok("run", "-d", "--name", "db", "busybox", "sleep", "1000");
      String ip = ok("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "db").out().strip();
      String hosts = ok("run", "--rm", "--link", "db:database", "busybox", "cat", "/etc/hosts").out();
      for (String name : List.of("database", "db")) {
        assertTrue(hosts.lines().anyMatch(l -> l.matches(ip.replace(".", "\\.") + "\\s+" + name)), hosts);
      }
      assertEquals("ok\n", ok("run", "--rm", "--link", "db:database", "busybox", "sh", "-c",
          "ping -c 1 -W 2 database > /dev/null && echo ok").out());
      ok("create", "--name", "linker", "--link", "db:database", "busybox", "true");
      assertEquals("[\"/db:/linker/database\"]",
          JSON.readTree(ok("inspect", "linker").stdout()).get(0).at("/HostConfig/Links").toString());

      // on a user-defined network, an alias of the linked container there
      ok("network", "create", "linknet");
      ok("run", "-d", "--name", "store", "--network", "linknet", "busybox", "sleep", "1000");
      String storeIp = ok("inspect", "-f", "{{.NetworkSettings.Networks.linknet.IPAddress}}", "store").out().strip();
      String linked = ok("run", "--rm", "--network", "linknet", "--link", "store:cache", "busybox", "cat", "/etc/hosts")
          .out();
      assertTrue(linked.lines().anyMatch(l -> l.matches(storeIp.replace(".", "\\.") + "\\s+cache")), linked);
      // the alias follows the linked container across a rename, and goes with it, as Docker's
      ok("run", "-d", "--name", "linking", "--network", "linknet", "--link", "store:cache", "busybox", "sleep", "1000");
      ok("rename", "store", "store2");
      String renamed = ok("exec", "linking", "sh", "-c", "nslookup cache 127.0.0.11").out();
      assertTrue(renamed.contains("Address: " + storeIp), renamed);
      ok("rm", "-f", "store2");
      ok("run", "-d", "--name", "store", "--network", "linknet", "busybox", "sleep", "1000");
      Cli.Result gone = berthd.ctl("exec", "linking", "sh", "-c", "nslookup cache 127.0.0.11");
      assertFalse(gone.out().contains("Address: " + ok("inspect", "-f", "{{.NetworkSettings.Networks.linknet.IPAddress}}", "store")
          .out().strip()), gone::toString);

      Cli.Result elsewhere = berthd.ctl("run", "--rm", "--link", "store:cache", "busybox", "true");
      assertEquals(125, elsewhere.exit(), elsewhere::toString);
      assertEquals("berthctl: Cannot link to /store, as it does not belong to the default network." + RUN_HELP,
          elsewhere.stderr());
      ok("stop", "-t", "0", "db");
      Cli.Result stopped = berthd.ctl("run", "--rm", "--name", "late", "--link", "db:database", "busybox", "true");
      assertEquals(125, stopped.exit(), stopped::toString);
      assertEquals("berthctl: Cannot link to a non running container: /db AS /late/database." + RUN_HELP,
          stopped.stderr());
      Cli.Result host = berthd.ctl("run", "--rm", "--network", "host", "--link", "db", "busybox", "true");
      assertEquals(125, host.exit(), host::toString);
      assertTrue(host.stderr().contains("host type networking can't be used with links"), host::toString);
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "linknet");
    }
  }

  @Test
  void aContainerSharingAnothersNetworkIsLinkedAsThatOneAndOutlivesItsRestartAsDockers() throws Exception {
    try {
      ok("run", "-d", "--name", "owner", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "guest", "--network", "container:owner", "busybox", "sleep", "1000");
      String ip = ok("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "owner").out().strip();
      // Docker links to the container whose network it is
      String hosts = ok("run", "--rm", "--link", "guest:g", "busybox", "cat", "/etc/hosts").out();
      assertTrue(hosts.lines().anyMatch(l -> l.matches(ip.replace(".", "\\.") + "\\s+g")), hosts);
      assertTrue(hosts.lines().anyMatch(l -> l.matches(ip.replace(".", "\\.") + "\\s+owner")), hosts);
      Cli.Result dns = berthd.ctl("run", "--rm", "--network", "container:owner", "--dns", "10.0.0.53", "busybox",
          "true");
      assertEquals(125, dns.exit(), dns::toString);
      assertEquals("berthctl: Error response from daemon: conflicting options: dns and the network mode." + RUN_HELP,
          dns.stderr());
      // restarted while guest runs, as Docker restarts it: guest keeps the old namespace
      ok("restart", "-t", "0", "owner");
      assertTrue(ok("exec", "owner", "cat", "/sys/class/net/eth0/address").out().contains(":"));
      assertEquals("lo\n", ok("exec", "guest", "ls", "/sys/class/net").out());
    } finally {
      removeContainers();
    }
  }

  @Test
  void networkConnectWithALinkGivesTheConnectedContainerTheAliasOnThatNetwork() throws Exception {
    try {
      ok("network", "create", "connlink");
      ok("run", "-d", "--name", "backend", "--network", "connlink", "busybox", "sleep", "1000");
      String ip = ok("inspect", "-f", "{{.NetworkSettings.Networks.connlink.IPAddress}}", "backend").out().strip();
      Predicate<String> aliased = hosts -> hosts.lines().anyMatch(l -> l.matches(ip.replace(".", "\\.") + "\\s+api"));
      ok("run", "-d", "--name", "front", "busybox", "sleep", "1000");
      ok("network", "connect", "--link", "backend:api", "connlink", "front");
      String hosts = ok("exec", "front", "cat", "/etc/hosts").out();
      assertTrue(aliased.test(hosts), hosts);
      assertEquals("ok\n", ok("exec", "front", "sh", "-c", "ping -c 1 -W 2 api > /dev/null && echo ok").out());
      // part of the container's configuration, as the connection is
      ok("restart", "-t", "0", "front");
      assertTrue(aliased.test(ok("exec", "front", "cat", "/etc/hosts").out()), "after a restart");
      ok("network", "disconnect", "connlink", "front");
      String left = ok("exec", "front", "cat", "/etc/hosts").out();
      assertFalse(left.contains("api"), () -> "the link goes with the network: " + left);

      ok("create", "--name", "loner", "--network", "none", "busybox", "true");
      Cli.Result bridge = berthd.ctl("network", "connect", "--link", "backend:api", "bridge", "loner");
      assertTrue(bridge.exit() != 0 && bridge.stderr().contains("links are only supported for user-defined networks"),
          bridge::toString);
      ok("network", "create", "otherlink");
      Cli.Result elsewhere = berthd.ctl("network", "connect", "--link", "backend:api", "otherlink", "loner");
      assertTrue(elsewhere.exit() != 0 && elsewhere.stderr().contains("does not belong to the network otherlink"),
          elsewhere::toString);
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "connlink", "otherlink");
    }
  }

  @Test
  void aRunningContainerLeftWithoutNetworksIsConnectedAtOnceAndPublishesItsPortsAgain() throws Exception {
    try {
      ok("network", "create", "zeta");
      ok("network", "create", "beta");
      ok("run", "-d", "--name", "c5", "--hostname", "web", "--domainname", "example.org", "--add-host", "foo:1.2.3.4",
          "-p", "18931:80", "--network", "zeta", "busybox", "sh", "-c",
          "echo reconnected > /tmp/index.html && exec httpd -f -p 80 -h /tmp");
      String bindings = ok("inspect", "-f", "{{json .HostConfig.PortBindings}}", "c5").out();
      ok("network", "disconnect", "zeta", "c5");
      assertFalse(ok("exec", "c5", "ip", "-o", "-4", "addr").out().contains("eth0"));
      String left = ok("exec", "c5", "cat", "/etc/hosts").out();
      assertTrue(left.contains("1.2.3.4\tfoo") && !left.contains("web"), left);

      ok("network", "connect", "beta", "c5");
      String address = ok("inspect", "-f", "{{.NetworkSettings.Networks.beta.IPAddress}}", "c5").out().strip();
      assertTrue(ok("exec", "c5", "ip", "-o", "-4", "addr", "show", "eth0").out().contains(address + "/"));
      assertTrue(ok("exec", "c5", "ip", "route").out().contains("default via "));
      String hosts = ok("exec", "c5", "cat", "/etc/hosts").out();
      assertTrue(hosts.contains(address + "\tweb.example.org web c5") && hosts.contains("1.2.3.4\tfoo"), hosts);
      assertTrue(ok("exec", "c5", "cat", "/etc/resolv.conf").out().contains("nameserver 127.0.0.11"));
      assertEquals("reconnected\n", page(18931, "reconnected"));
      ok("restart", "-t", "0", "c5");
      assertEquals("reconnected\n", page(18931, "reconnected"), "after a restart");

      // no network left at the next start: none, the ports kept for a later one, as Docker's HostConfig
      ok("network", "disconnect", "beta", "c5");
      ok("restart", "-t", "0", "c5");
      assertEquals("running\n", ok("inspect", "-f", "{{.State.Status}}", "c5").out());
      assertFalse(ok("exec", "c5", "ip", "-o", "-4", "addr").out().contains("eth0"));
      assertEquals(bindings, ok("inspect", "-f", "{{json .HostConfig.PortBindings}}", "c5").out());
      ok("stop", "-t", "0", "c5");
      ok("network", "connect", "zeta", "c5");
      ok("start", "c5");
      assertEquals("reconnected\n", page(18931, "reconnected"), "published on the network connected while stopped");
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "zeta", "beta");
    }
  }

  @Test
  void aContainerRestartedWithoutNetworksIsConnectedAtOnceButOneRunWithNetworkNoneIsNot() throws Exception {
    try {
      ok("network", "create", "theta");
      ok("run", "-d", "--name", "c6", "-p", "18932:80", "busybox", "sh", "-c",
          "echo restarted > /tmp/index.html && exec httpd -f -p 80 -h /tmp");
      ok("network", "disconnect", "bridge", "c6");
      ok("restart", "-t", "0", "c6");
      assertFalse(ok("exec", "c6", "ip", "-o", "-4", "addr").out().contains("eth0"));
      // Docker's: the mode it was created with, and no network at all
      assertEquals("bridge {}\n", ok("inspect", "-f", "{{.HostConfig.NetworkMode}} {{json .NetworkSettings.Networks}}",
          "c6").out());

      ok("network", "connect", "theta", "c6");
      String address = ok("inspect", "-f", "{{.NetworkSettings.Networks.theta.IPAddress}}", "c6").out().strip();
      assertTrue(ok("exec", "c6", "ip", "-o", "-4", "addr", "show", "eth0").out().contains(address + "/"));
      assertEquals("restarted\n", page(18932, "restarted"));
      assertEquals("bridge\n", ok("inspect", "-f", "{{.HostConfig.NetworkMode}}", "c6").out());

      ok("run", "-d", "--name", "c7", "--network", "none", "busybox", "sleep", "1000");
      String refused = "Error response from daemon: container cannot be connected to multiple networks with one of the "
          + "networks in private (none) mode\n";
      Cli.Result running = berthd.ctl("network", "connect", "theta", "c7");
      assertTrue(running.exit() != 0, running::toString);
      assertEquals(refused, running.stderr(), "Docker's words");
      ok("stop", "-t", "0", "c7");
      Cli.Result stopped = berthd.ctl("network", "connect", "theta", "c7");
      assertTrue(stopped.exit() != 0, stopped::toString);
      assertEquals(refused, stopped.stderr());
      ok("start", "c7");
      assertEquals("lo\n", ok("exec", "c7", "ls", "/sys/class/net").out(), "still none");

      // as Docker's daemon: none disconnected leaves the container without networks, and one joins then
      ok("create", "--name", "c8", "--network", "none", "busybox", "sleep", "1000");
      ok("network", "disconnect", "none", "c8");
      assertEquals("none {}\n", ok("inspect", "-f", "{{.HostConfig.NetworkMode}} {{json .NetworkSettings.Networks}}",
          "c8").out());
      ok("network", "connect", "theta", "c8");
      ok("start", "c8");
      String c8 = ok("inspect", "-f", "{{.NetworkSettings.Networks.theta.IPAddress}}", "c8").out().strip();
      assertTrue(ok("exec", "c8", "ip", "-o", "-4", "addr", "show", "eth0").out().contains(c8 + "/"));
      ok("network", "disconnect", "none", "c7");
      assertEquals("{}\n", ok("inspect", "-f", "{{json .NetworkSettings.Networks}}", "c7").out());
      ok("network", "connect", "theta", "c7");
      String c7 = ok("inspect", "-f", "{{.NetworkSettings.Networks.theta.IPAddress}}", "c7").out().strip();
      assertTrue(ok("exec", "c7", "ip", "-o", "-4", "addr", "show", "eth0").out().contains(c7 + "/"), "running");
      assertEquals("{}\n", ok("inspect", "-f", "{{json .NetworkSettings.Networks.theta.IPAMConfig}}", "c7").out(),
          "as Docker's CLI gives on every connect");
      // that network gone too, it is left without networks again, not back in none, restarted or not
      String networksOf = "{{.HostConfig.NetworkMode}} {{json .NetworkSettings.Networks}}";
      ok("network", "disconnect", "theta", "c7");
      assertEquals("none {}\n", ok("inspect", "-f", networksOf, "c7").out());
      // running without networks, as Docker's daemon judges it by its task: "to network none"
      String notOnNone = "Error response from daemon: container " + ok("inspect", "-f", "{{.Id}}", "c7").out().strip()
          + " is not connected to network none\n";
      assertEquals(notOnNone, berthd.ctl("network", "disconnect", "none", "c7").stderr());
      ok("network", "connect", "theta", "c7");
      assertTrue(ok("exec", "c7", "ip", "-o", "-4", "addr", "show", "eth0").out().contains("inet "), "again");
      ok("network", "disconnect", "theta", "c7");
      ok("restart", "-t", "0", "c7");
      assertEquals("none {}\n", ok("inspect", "-f", networksOf, "c7").out(), "restarted");
      assertEquals(notOnNone, berthd.ctl("network", "disconnect", "none", "c7").stderr(), "loopback is no network");
      ok("network", "connect", "theta", "c7");
      assertTrue(ok("exec", "c7", "ip", "-o", "-4", "addr", "show", "eth0").out().contains("inet "), "restarted");
      // as Docker's daemon: none joins no other network, and takes a container left without any back
      Cli.Result noneJoined = berthd.ctl("network", "connect", "none", "c7");
      assertEquals(refused, noneJoined.stderr(), "not 'network none not found'");
      ok("network", "disconnect", "theta", "c7");
      ok("network", "connect", "none", "c7");
      assertEquals("none 1 {}\n", ok("inspect", "-f", "{{.HostConfig.NetworkMode}} {{len .NetworkSettings.Networks}} "
          + "{{json .NetworkSettings.Networks.none.IPAMConfig}}", "c7").out());
      assertEquals(refused, berthd.ctl("network", "connect", "theta", "c7").stderr(), "back in none");
      assertEquals("lo\n", ok("exec", "c7", "ls", "/sys/class/net").out());
      ok("restart", "-t", "0", "c7");
      assertEquals("none 1\n", ok("inspect", "-f", "{{.HostConfig.NetworkMode}} {{len .NetworkSettings.Networks}}",
          "c7").out(), "restarted");
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "theta");
    }
  }

  @Test
  void aStartWhoseNetworkWasRemovedSinceFailsForTheNetworkAndKeepsTheContainer() throws Exception {
    try {
      ok("network", "create", "gonenet");
      ok("create", "--name", "orphaned", "--network", "gonenet", "busybox", "true");
      ok("network", "rm", "gonenet");
      Cli.Result start = berthd.ctl("start", "orphaned");
      assertEquals(1, start.exit(), start::toString);
      // Docker's words: the network is what is not found, not the container
      assertEquals("Error response from daemon: network gonenet not found\n"
          + "Error: failed to start containers: orphaned\n", start.stderr());
      assertEquals("orphaned Created\n", ok("ps", "-a", "--filter", "name=orphaned", "--format",
          "{{.Names}} {{.State | title}}").out());
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "gonenet");
    }
  }

  @Test
  void aRenamedContainerIsFoundByItsNewNameOnAUserDefinedNetworkNotByItsOld() throws Exception {
    Predicate<String> listsOld = hosts -> hosts.lines().anyMatch(l -> l.matches(".*\\soldname(\\s.*)?"));
    try {
      ok("network", "create", "renamenet");
      ok("run", "-d", "--name", "oldname", "--network", "renamenet", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "peer", "--network", "renamenet", "busybox", "sleep", "1000");
      assertTrue(listsOld.test(ok("exec", "peer", "cat", "/etc/hosts").out()));
      ok("rename", "oldname", "newname");
      String hosts = ok("exec", "peer", "cat", "/etc/hosts").out();
      assertFalse(listsOld.test(hosts), hosts);
      assertEquals("ok\n", ok("exec", "peer", "sh", "-c", "ping -c 1 -W 2 newname > /dev/null && echo ok").out());
      assertEquals("ok\n", ok("run", "--rm", "--network", "renamenet", "busybox", "sh", "-c",
          "ping -c 1 -W 2 newname > /dev/null && echo ok").out());
      Cli.Result old = berthd.ctl("exec", "peer", "ping", "-c", "1", "-W", "2", "oldname");
      assertTrue(old.exit() != 0 && old.stderr().contains("bad address 'oldname'"), old::toString);

      // a stopped container renamed is attached under its new name at the next start
      ok("stop", "-t", "0", "newname");
      ok("rename", "newname", "latest");
      ok("start", "latest");
      assertEquals("ok\n", ok("exec", "peer", "sh", "-c", "ping -c 1 -W 2 latest > /dev/null && echo ok").out());
      assertFalse(ok("exec", "peer", "cat", "/etc/hosts").out().contains("newname"));
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "renamenet");
    }
  }

  @Test
  void dockersBridgeOptionsAndIpRangeShapeTheNetworkContainersGet() throws Exception {
    String ping = "ping -c 1 -W 2 %s > /dev/null && echo reached || echo unreached";
    try {
      ok("network", "create", "-o", "com.docker.network.driver.mtu=1400", "-o", "com.docker.network.bridge.name=brquiet",
          "-o", "com.docker.network.bridge.enable_icc=false", "--subnet", "10.214.0.0/16", "--ip-range",
          "10.214.7.0/24", "quiet");
      ok("run", "-d", "--name", "q1", "--network", "quiet", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "q2", "--network", "quiet", "busybox", "sleep", "1000");
      String q2 = ok("inspect", "-f", "{{.NetworkSettings.Networks.quiet.IPAddress}}", "q2").out().strip();
      assertTrue(q2.startsWith("10.214.7."), "from the range: " + q2);
      assertTrue(ok("exec", "q1", "ip", "link", "show", "eth0").out().contains(" mtu 1400 "));
      assertEquals("reached\n", ok("exec", "q1", "sh", "-c", ping.formatted("10.214.7.0")).out(),
          "the gateway, the range's first address as Docker's");
      assertEquals("unreached\n", ok("exec", "q1", "sh", "-c", ping.formatted(q2)).out(), "no ICC");
      assertEquals("unreached\n", ok("exec", "q1", "sh", "-c", ping.formatted("q2")).out(), "by name neither");

      ok("network", "create", "--subnet", "10.215.0.0/24", "chatty");
      ok("run", "-d", "--name", "c1", "--network", "chatty", "busybox", "sleep", "1000");
      String c1 = ok("inspect", "-f", "{{.NetworkSettings.Networks.chatty.IPAddress}}", "c1").out().strip();
      assertEquals("reached\n", ok("run", "--rm", "--network", "chatty", "busybox", "sh", "-c", ping.formatted(c1)).out(),
          "other networks keep their ICC");
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "quiet", "chatty");
    }
  }

  @Test
  void withoutIccContainersInTwoSubnetsOfOneNetworkReachNeitherOneAnotherNorTheirOwnSubnetsPeers() throws Exception {
    String ping = "ping -c 1 -W 2 %s > /dev/null && echo reached || echo unreached";
    // busybox's nc: its wget -T crashes (exit 139) in the tests' Debian busybox-static 1.35, which
    // made every fetch "unreached"
    String request = "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 %s 2> /dev/null | tail -n 1 | grep . "
        + "|| echo unreached";
    String fetch = request.formatted("%s 8000");
    String published = request.formatted("%s 18347");
    try {
      ok("network", "create", "-o", "com.docker.network.bridge.enable_icc=false", "--subnet", "10.218.0.0/24",
          "--subnet", "10.219.0.0/24", "apart");
      ok("run", "-d", "--name", "a1", "--network", "apart", "--ip", "10.218.0.2", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "b1", "--network", "apart", "--ip", "10.219.0.2", "-p", "18347:8000", "busybox", "sh", "-c",
          "echo served > /tmp/index.html && exec httpd -f -p 8000 -h /tmp");
      ok("run", "-d", "--name", "b2", "--network", "apart", "--ip", "10.219.0.3", "busybox", "sleep", "1000");
      String served = "";
      for (int i = 0; i < 50 && served.isEmpty(); i++) {
        try {
          served = berthd.inNetns("curl", "-s", "--max-time", "1", "http://10.219.0.2:8000/");
        } catch (AssertionError notYet) {
          Thread.sleep(100);
        }
      }
      assertEquals("served\n", served, "the host reaches it, before anyone fails to");
      assertEquals("reached\n", ok("exec", "a1", "sh", "-c", ping.formatted("10.219.0.1")).out(),
          "the other subnet's gateway is the host's");
      assertEquals("unreached\n", ok("exec", "a1", "sh", "-c", ping.formatted("10.219.0.2")).out(),
          "no ICC across subnets, routed by the host in and out of the same bridge");
      assertEquals("unreached\n", ok("exec", "a1", "sh", "-c", fetch.formatted("10.219.0.2")).out());
      assertEquals("unreached\n", ok("exec", "b2", "sh", "-c", ping.formatted("10.219.0.2")).out(),
          "nor within one subnet");
      assertEquals("unreached\n", ok("exec", "b2", "sh", "-c", fetch.formatted("10.219.0.2")).out());
      // as Docker's userland proxy: a published port is reached through the host, its own or a peer's,
      // whether the kernel bridges the connection (bridge-nf-call-iptables) or routes it
      String bridgeNf = "/proc/sys/net/bridge/bridge-nf-call-iptables";
      boolean hasBridgeNf = berthd.inNetns("sh", "-c", "test -e " + bridgeNf + " && echo yes || echo no").equals("yes\n");
      String before = hasBridgeNf ? berthd.inNetns("cat", bridgeNf).trim() : "";
      // the mark that lets these through table bridge berth never leaves Berth's rules: others
      // (Calico) use that bit too
      berthd.inNetns("nft", "add table inet test-mark-watch; "
          + "add chain inet test-mark-watch input { type filter hook input priority 500; }; "
          + "add chain inet test-mark-watch postrouting { type filter hook postrouting priority 500; }; "
          + "add rule inet test-mark-watch input meta mark & 0x00400000 != 0 counter; "
          + "add rule inet test-mark-watch postrouting meta mark & 0x00400000 != 0 counter");
      try {
        for (String bridged : hasBridgeNf ? List.of("1", "0") : List.of("")) {
          if (hasBridgeNf) {
            berthd.inNetns("sh", "-c", "echo " + bridged + " > " + bridgeNf);
          }
          String how = " (bridge-nf-call-iptables " + bridged + ")";
          assertEquals("served\n", ok("exec", "b2", "sh", "-c", published.formatted("10.219.0.1")).out(),
              "a peer's published port at its subnet's gateway" + how);
          assertEquals("served\n", ok("exec", "a1", "sh", "-c", published.formatted("10.218.0.1")).out(),
              "from another subnet, at its own gateway" + how);
          assertEquals("served\n", ok("exec", "a1", "sh", "-c", published.formatted("10.219.0.1")).out(),
              "at another of the host's addresses" + how);
          assertEquals("served\n", ok("exec", "b1", "sh", "-c", published.formatted("10.219.0.1")).out(),
              "its own published port" + how);
          assertEquals("unreached\n", ok("exec", "b2", "sh", "-c", fetch.formatted("10.219.0.2")).out(),
              "still not directly" + how);
          assertEquals("unreached\n", ok("exec", "a1", "sh", "-c", fetch.formatted("10.219.0.2")).out(),
              "nor across subnets" + how);
          assertEquals("served\n", berthd.inNetns("curl", "-s", "--max-time", "2", "http://10.219.0.1:18347/"),
              "the host's own client, whose replies come in from the bridge" + how);
        }
        String watched = berthd.inNetns("nft", "list", "table", "inet", "test-mark-watch");
        assertEquals(2, watched.split("counter packets 0 ", -1).length - 1,
            "no packet reaches the host or leaves it with the mark: " + watched);
      } finally {
        berthd.inNetns("nft", "delete", "table", "inet", "test-mark-watch");
        if (hasBridgeNf) {
          berthd.inNetns("sh", "-c", "echo " + before + " > " + bridgeNf);
        }
      }

      removeContainers();
      ok("network", "rm", "apart");
      String rules = berthd.inNetns("nft", "list", "ruleset");
      assertFalse(rules.contains("no icc on network apart"), "gone with the network: " + rules);
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "apart");
    }
  }

  @Test
  void aNetworkOfTwoSubnetsGivesTheSecondsAddressesOnceTheFirstIsFullAndRoutesBetweenThemAsDockers()
      throws Exception {
    String ping = "ping -c 1 -W 2 %s > /dev/null && echo reached || echo unreached";
    String endpoint = "{{with .NetworkSettings.Networks.pools}}{{.IPAddress}}/{{.IPPrefixLen}} via {{.Gateway}}{{end}}";
    try {
      ok("network", "create", "--subnet", "10.216.0.0/30", "--subnet", "10.217.0.0/24", "--gateway", "10.217.0.254",
          "pools");
      assertEquals("[{\"Subnet\":\"10.216.0.0/30\",\"Gateway\":\"10.216.0.1\"},"
          + "{\"Subnet\":\"10.217.0.0/24\",\"Gateway\":\"10.217.0.254\"}]\n",
          ok("network", "inspect", "-f", "{{json .IPAM.Config}}", "pools").out(), "each pool as Docker lists it");
      assertEquals("10.216.0.0/30,10.217.0.0/24 10.216.0.1,10.217.0.254\n",
          ok("network", "ls", "--format", "{{.Subnet}} {{.Gateway}}", "--filter", "name=^pools$").out(), "every pool's");
      assertEquals("pools\n", ok("network", "ls", "--format", "{{.Name}}", "subnet==10.217.0.0/24").out(),
          "the filter takes the second subnet too");
      assertEquals("pools\n", ok("network", "ls", "--format", "{{.Name}}", "gateway==10.217.0.254").out());
      assertFalse(ok("network", "ls", "--format", "{{.Name}}", "subnet!=10.217.0.0/24").out().contains("pools"));
      Cli.Result overlap = berthd.ctl("network", "create", "--subnet", "10.217.0.128/25", "other");
      assertEquals(1, overlap.exit(), overlap::toString);
      assertTrue(overlap.stderr().contains("Pool overlaps with other one on this address space"), overlap::toString);

      ok("run", "-d", "--name", "p1", "--network", "pools", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "p2", "--network", "pools", "busybox", "sleep", "1000");
      assertEquals("10.216.0.2/30 via 10.216.0.1\n", ok("inspect", "-f", endpoint, "p1").out(),
          "the first pool's one address beside its gateway");
      assertEquals("10.217.0.1/24 via 10.217.0.254\n", ok("inspect", "-f", endpoint, "p2").out(),
          "the first pool full, the second's, with its gateway");
      assertTrue(ok("exec", "p2", "ip", "route", "show", "default").out().startsWith("default via 10.217.0.254 "));
      String bridge = berthd.inNetns("ip", "-4", "addr", "show");
      assertTrue(bridge.contains("inet 10.216.0.1/30 ") && bridge.contains("inet 10.217.0.254/24 "), bridge);
      assertEquals("reached\n", ok("exec", "p1", "sh", "-c", ping.formatted("10.216.0.1")).out());
      assertEquals("reached\n", ok("exec", "p2", "sh", "-c", ping.formatted("10.217.0.254")).out());
      assertEquals("reached\n", ok("exec", "p1", "sh", "-c", ping.formatted("10.217.0.1")).out(),
          "through the gateways, from one subnet to the other");
      assertEquals("reached\n", ok("exec", "p2", "sh", "-c", ping.formatted("p1")).out(), "and by name");
      String rules = berthd.inNetns("nft", "list", "ruleset");
      assertTrue(rules.contains("ip saddr 10.216.0.0/30 oifname != ") && rules.contains("ip saddr 10.217.0.0/24 "
          + "oifname != "), "both subnets masqueraded: " + rules);

      assertTrue(ok("run", "--rm", "--network", "pools", "--ip", "10.217.0.77", "busybox", "ip", "-4", "addr", "show",
          "eth0").out().contains("inet 10.217.0.77/24 "), "an --ip of the second subnet");
      Cli.Result outside = berthd.ctl("run", "--rm", "--network", "pools", "--ip", "10.218.0.5", "busybox", "true");
      assertTrue(outside.stderr().contains("no configured subnet or ip-range contain the IP address 10.218.0.5"),
          outside::toString);

      removeContainers();
      ok("network", "rm", "pools");
      rules = berthd.inNetns("nft", "list", "ruleset");
      assertFalse(rules.contains("10.216.0.0/30") || rules.contains("10.217.0.0/24"), rules);
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "pools", "other");
    }
  }

  /** The page on a published port of the test's network namespace, once it holds {@code expected}. */
  private static String page(int port, String expected) throws InterruptedException {
    String page = "";
    for (int i = 0; i < 50 && !page.contains(expected); i++) {
      try {
        page = berthd.inNetns("curl", "-s", "--max-time", "1", "http://127.0.0.1:" + port + "/");
      } catch (AssertionError notYet) {
        Thread.sleep(100);
      }
    }
    return page;
  }

  @Test
  void etcHostsIsDockersOnTheDefaultBridge() throws Exception {
    String localhost = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
        + "ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n";
    String id = ok("run", "-d", "--name", "plain", "busybox", "sleep", "1000").out().strip();
    String ip = ok("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "plain").out().strip();
    // the container's own entry names its hostname, the short id, alone
    assertEquals(localhost + ip + "\t" + id.substring(0, 12) + "\n", ok("exec", "plain", "cat", "/etc/hosts").out());

    ok("run", "-d", "--name", "named", "--hostname", "h", "--domainname", "example.com",
        "--add-host", "db:192.0.2.10", "--add-host", "cache:192.0.2.11", "busybox", "sleep", "1000");
    String namedIp = ok("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "named").out().strip();
    // the --add-host lines, then the own entry: FQDN and hostname
    assertEquals(localhost + "192.0.2.10\tdb\n192.0.2.11\tcache\n" + namedIp + "\th.example.com h\n",
        ok("exec", "named", "cat", "/etc/hosts").out());
    assertEquals("h\n", ok("exec", "named", "hostname").out());
    assertEquals("h.example.com\n", ok("exec", "named", "hostname", "-f").out());
    assertEquals("example.com\n", ok("exec", "named", "cat", "/proc/sys/kernel/domainname").out());
  }

  @Test
  void networkAndVolumeEventsInDockersWords() throws Exception {
    AtomicReference<Cli.Result> seen = new AtomicReference<>();
    String since = unixNow();
    String until = Long.toString(Instant.now().getEpochSecond() + 8);
    Thread follower = new Thread(() -> seen.set(berthd.ctl("events", "--filter", "type=network", "--filter",
        "type=volume", "--since", since, "--until", until)));
    follower.start();
    Thread.sleep(1000);
    String network = ok("network", "create", "evnet").out().strip();
    ok("volume", "create", "evvol");
    String container = ok("run", "-d", "--network", "evnet", "-v", "evvol:/data", "busybox", "true").out().strip();
    assertEquals("0\n", ok("wait", container).out());
    ok("rm", container);
    ok("network", "rm", "evnet");
    ok("volume", "rm", "evvol");
    follower.join(15_000);
    assertEquals(0, seen.get().exit(), seen.get()::toString);
    assertEquals(List.of(
        "network create " + network + " (name=evnet, type=bridge)",
        "volume create evvol (driver=local)",
        "network connect " + network + " (container=" + container + ", name=evnet, type=bridge)",
        // Docker's daemon's, as the container starts and as it is cleaned up after its exit
        "volume mount evvol (container=" + container + ", destination=/data, driver=local, propagation=, "
            + "read/write=true)",
        "volume unmount evvol (container=" + container + ", driver=local)",
        "network disconnect " + network + " (container=" + container + ", name=evnet, type=bridge)",
        "network destroy " + network + " (name=evnet, type=bridge)",
        "volume destroy evvol (driver=local)"),
        seen.get().out().lines().map(l -> l.substring(l.indexOf(' ') + 1)).toList(), seen.get()::toString);
  }

  @Test
  void theEmbeddedDnsServerAnswersPeersOnTheirUserDefinedNetworkOnly() throws Exception {
    ok("network", "create", "dnsnet");
    ok("network", "create", "dnsother");
    try {
      ok("run", "-d", "--name", "web", "--network", "dnsnet", "--network-alias", "www", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "hidden", "--network", "dnsother", "busybox", "sleep", "1000");
      String ip = ok("inspect", "-f", "{{.NetworkSettings.Networks.dnsnet.IPAddress}}", "web").out().strip();
      String hiddenIp = ok("inspect", "-f", "{{.NetworkSettings.Networks.dnsother.IPAddress}}", "hidden").out().strip();
      // a container of its own holding port 53 (TCP here, busybox's nc has no UDP) keeps it
      ok("run", "-d", "--name", "own53", "--network", "dnsnet", "busybox", "nc", "-l", "-p", "53");

      String out = ok("exec", "own53", "sh", "-c", "cat /etc/resolv.conf; nslookup web; nslookup www; nslookup " + ip)
          .out();
      assertTrue(out.startsWith("# Generated by berthd.\n"), out);
      assertTrue(out.contains("\n\nnameserver 127.0.0.11\n"), out);
      assertTrue(out.contains("\n# ExtServers: ["), out);
      assertEquals(2, out.lines().filter(l -> l.equals("Address: " + ip)).count(), out);
      assertTrue(out.contains("name = web.dnsnet"), out);
      assertTrue(ok("exec", "own53", "sh", "-c", "netstat -ltn").out().contains(":53 "), "own port 53 kept");
      String linked = ok("run", "--rm", "--network", "dnsnet", "--link", "web:webby", "busybox", "sh", "-c",
          "nslookup webby").out();
      assertTrue(linked.contains("Address: " + ip), linked);

      // a container on another network is not answered: the query goes to the external servers
      Cli.Result elsewhere = berthd.ctl("exec", "own53", "sh", "-c", "nslookup hidden");
      assertFalse(elsewhere.out().contains(hiddenIp), elsewhere::toString);
      // the default bridge keeps the host's resolvers, as in Docker
      assertFalse(ok("run", "--rm", "busybox", "cat", "/etc/resolv.conf").out().contains("127.0.0.11"));
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "dnsnet");
      berthd.ctl("network", "rm", "dnsother");
    }
  }

  @Test
  void aContainersHostNameIsAmongItsDnsNamesAndAnsweredToItsPeersAsDocker27s() throws Exception {
    ok("network", "create", "hostnamed");
    try {
      ok("run", "-d", "--name", "named", "--network", "hostnamed", "--network-alias", "named", "--hostname",
          "db.example.test", "busybox", "sleep", "1000");
      String ip = ok("inspect", "-f", "{{.NetworkSettings.Networks.hostnamed.IPAddress}}", "named").out().strip();
      String shortId = ok("inspect", "-f", "{{.Id}}", "named").out().substring(0, 12);
      assertEquals("[\"named\",\"" + shortId + "\",\"db.example.test\"]\n",
          ok("inspect", "-f", "{{json .NetworkSettings.Networks.hostnamed.DNSNames}}", "named").out(),
          "its name, aliases, short id and Config.Hostname, each once");
      String answer = ok("run", "--rm", "--network", "hostnamed", "busybox", "busybox", "nslookup", "db.example.test",
          "127.0.0.11").out();
      assertTrue(answer.contains("Address: " + ip), "the embedded DNS server's answer: " + answer);
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "hostnamed");
    }
  }

  @Test
  void aStoppedContainerKeepsItsDnsNamesAndOneNeverStartedHasNoneButWhereConnectedAsDocker27s() throws Exception {
    ok("network", "create", "keptnames");
    ok("network", "create", "latenames");
    try {
      ok("run", "--name", "ended", "--network", "keptnames", "--network-alias", "endalias", "busybox", "true");
      String ended = ok("inspect", "-f", "{{.Id}}", "ended").out().substring(0, 12);
      assertEquals("exited\n", ok("inspect", "-f", "{{.State.Status}}", "ended").out());
      // Docker's daemon names the endpoint at the start and keeps the names once it stops
      assertEquals("[\"ended\",\"endalias\",\"" + ended + "\"]\n",
          ok("inspect", "-f", "{{json .NetworkSettings.Networks.keptnames.DNSNames}}", "ended").out());

      ok("create", "--name", "fresh", "--network", "keptnames", "--network-alias", "freshalias", "busybox", "true");
      String fresh = ok("inspect", "-f", "{{.Id}}", "fresh").out().substring(0, 12);
      ok("network", "connect", "--alias", "lately", "latenames", "fresh");
      // never started: none on the network it was created with, those of the connect on the one it joined later
      JsonNode networks = JSON.readTree(ok("inspect", "fresh").stdout()).get(0).get("NetworkSettings").get("Networks");
      assertTrue(networks.get("keptnames").get("DNSNames").isNull(), networks::toString);
      assertEquals("[\"fresh\",\"lately\",\"" + fresh + "\"]", networks.get("latenames").get("DNSNames").toString());
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "keptnames");
      berthd.ctl("network", "rm", "latenames");
    }
  }

  @Test
  void inspectListsAContainersNetworksByNameAsDockersJson() throws Exception {
    ok("network", "create", "zsorted");
    ok("network", "create", "asorted");
    try {
      ok("run", "-d", "--name", "sorted", "--network", "zsorted", "busybox", "sleep", "1000");
      ok("network", "connect", "asorted", "sorted");
      assertEquals(List.of("asorted", "zsorted"),
          fieldNames(JSON.readTree(ok("inspect", "sorted").stdout()).get(0).get("NetworkSettings").get("Networks")),
          "Go writes a map's keys in order, whatever order they were joined in");
      assertTrue(ok("inspect", "-f", "{{json .NetworkSettings.Networks}}", "sorted").out().startsWith("{\"asorted\":"));
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "zsorted");
      berthd.ctl("network", "rm", "asorted");
    }
  }

  @Test
  void aDetachedRunOrAStartWhoseAddressIsTakenFailsAndLeavesTheContainerCreatedAsDockers() throws Exception {
    ok("network", "create", "--subnet", "10.231.0.0/24", "--aux-address", "router=10.231.0.9", "takennet");
    try {
      ok("run", "-d", "--name", "holder", "--network", "takennet", "--ip", "10.231.0.3", "busybox", "sleep", "1000");
      Cli.Result run = berthd.ctl("run", "-d", "--name", "second", "--network", "takennet", "--ip", "10.231.0.3",
          "busybox", "sleep", "1000");
      assertEquals(125, run.exit(), run::toString);
      assertTrue(run.stderr().contains("Address already in use (10.231.0.3 on network takennet)"), run::toString);
      assertEquals("created\n", ok("inspect", "-f", "{{.State.Status}}", "second").out());

      ok("create", "--name", "third", "--network", "takennet", "--ip", "10.231.0.9", "busybox", "sleep", "1000");
      Cli.Result start = berthd.ctl("start", "third");
      assertEquals(1, start.exit(), start::toString);
      assertTrue(start.stderr().contains("Address already in use (10.231.0.9 on network takennet)"), start::toString);
      assertTrue(start.stderr().contains("Error: failed to start containers: third"), start::toString);
      assertEquals("created\n", ok("inspect", "-f", "{{.State.Status}}", "third").out());
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "takennet");
    }
  }

  @Test
  void ipAndDnsSearchOnAUserDefinedNetwork() throws Exception {
    ok("network", "create", "fixednet", "--subnet", "10.203.7.0/24");
    try {
      ok("run", "-d", "--name", "fixed", "--network", "fixednet", "--ip", "10.203.7.42", "--dns-search", "example.com",
          "--dns-search", "corp.example", "busybox", "sleep", "1000");
      JsonNode inspected = JSON.readTree(ok("inspect", "fixed").stdout()).get(0);
      JsonNode settings = inspected.get("NetworkSettings");
      assertEquals("10.203.7.42", settings.get("Networks").get("fixednet").get("IPAddress").asText());
      // as Docker 27's: the top-level fields are the default bridge's endpoint alone
      for (String field : List.of("IPAddress", "Gateway", "MacAddress", "EndpointID", "GlobalIPv6Address",
          "IPv6Gateway")) {
        assertEquals("", settings.get(field).asText(), field);
      }
      assertEquals(0, settings.get("IPPrefixLen").asInt());
      assertEquals("\n", ok("inspect", "-f", "{{.NetworkSettings.IPAddress}}", "fixed").out());
      assertEquals("[\"example.com\",\"corp.example\"]", inspected.get("HostConfig").get("DnsSearch").toString());
      assertTrue(ok("exec", "fixed", "ip", "-4", "addr", "show", "eth0").out().contains("inet 10.203.7.42/24 "));
      assertTrue(ok("exec", "fixed", "cat", "/etc/resolv.conf").out().contains("search example.com corp.example\n"));

      Cli.Result taken = berthd.ctl("run", "--rm", "--network", "fixednet", "--ip", "10.203.7.42", "busybox", "true");
      assertEquals(125, taken.exit(), taken::toString);
      assertTrue(taken.stderr().contains("Address already in use (10.203.7.42 on network fixednet)"), taken.stderr());

      // connected later, a container is known on the network by its name too, as Docker's
      ok("run", "-d", "--name", "joiner", "busybox", "sleep", "1000");
      ok("network", "connect", "fixednet", "joiner");
      String hosts = ok("exec", "fixed", "cat", "/etc/hosts").out();
      assertTrue(hosts.lines().anyMatch(l -> l.matches("10\\.203\\.7\\.\\d+\\s.*\\bjoiner\\b.*")), hosts);
      // Docker's daemon's refusal: network-scoped aliases need a user-defined network, and its CLI calls
      // the network "default" when --network is not given
      Cli.Result alias = berthd.ctl("run", "--rm", "--network-alias", "x", "busybox", "true");
      assertEquals(125, alias.exit(), alias::toString);
      assertEquals("berthctl: Error response from daemon: invalid config for network default: invalid endpoint "
          + "settings:\nnetwork-scoped alias is supported only for containers in user defined networks."
          + RUN_HELP, alias.stderr());
    } finally {
      removeContainers();
      ok("network", "rm", "fixednet");
    }
    for (List<String> refused : List.of(
        List.of("--ip", "10.88.0.9"),
        List.of("--network", "none", "--ip", "10.88.0.9"),
        List.of("--network", "fixednet", "--ip", "10.203.7.300"),
        List.of("--dns-search", "a,b"))) {
      List<String> args = new java.util.ArrayList<>(List.of("run", "--rm"));
      args.addAll(refused);
      args.addAll(List.of("busybox", "true"));
      Cli.Result r = berthd.ctl(args.toArray(String[]::new));
      assertEquals(125, r.exit(), () -> refused + ": " + r);
      assertTrue(r.stderr().startsWith("berthctl: ") && r.stderr().endsWith("." + RUN_HELP)
          // Docker's endpoint settings' refusal says what is wrong on a line of its own
          && r.stderr().lines().count() == (r.stderr().contains("invalid endpoint settings:\n") ? 3 : 2),
          () -> refused + ": " + r);
    }
    // Docker's CLI calls the network "default" when --network is not given
    assertEquals("berthctl: Error response from daemon: invalid config for network default: invalid endpoint settings:\n"
        + "user specified IP address is supported on user defined networks only." + RUN_HELP,
        berthd.ctl("run", "--rm", "--ip", "10.88.0.9", "busybox", "true").stderr());
    assertEquals("berthctl: Error response from daemon: invalid config for network bridge: invalid endpoint settings:\n"
        + "user specified IP address is supported on user defined networks only." + RUN_HELP,
        berthd.ctl("run", "--rm", "--network", "bridge", "--ip", "10.88.0.9", "busybox", "true").stderr());
    assertEquals("", ok("ps", "-aq").out());
  }

  @Test
  void linkLocalIpsAreMoreAddressesOfTheInterfaceAtEveryStartAsDockers() throws Exception {
    ok("network", "create", "--subnet", "10.215.0.0/24", "llnet");
    try {
      ok("run", "-d", "--name", "ll", "--link-local-ip", "169.254.10.5", "--link-local-ip", "fe80::1:5", "busybox",
          "sleep", "1000");
      Predicate<String> both = addresses -> addresses.contains("inet 169.254.10.5/16 ")
          && addresses.contains("inet6 fe80::1:5/64 ");
      String addresses = ok("exec", "ll", "ip", "addr", "show", "eth0").out();
      assertTrue(both.test(addresses), addresses);
      assertEquals("{\"LinkLocalIPs\":[\"169.254.10.5\",\"fe80::1:5\"]}\n",
          ok("inspect", "-f", "{{json .NetworkSettings.Networks.bridge.IPAMConfig}}", "ll").out());
      ok("restart", "-t", "0", "ll");
      addresses = ok("exec", "ll", "ip", "addr", "show", "eth0").out();
      assertTrue(both.test(addresses), () -> "after a restart: " + ok("exec", "ll", "ip", "addr").out());

      ok("network", "connect", "--link-local-ip", "169.254.20.7", "llnet", "ll");
      assertTrue(ok("exec", "ll", "ip", "addr", "show", "eth1").out().contains("inet 169.254.20.7/16 "));
      assertEquals("{\"LinkLocalIPs\":[\"169.254.20.7\"]}\n",
          ok("inspect", "-f", "{{json .NetworkSettings.Networks.llnet.IPAMConfig}}", "ll").out());
      ok("restart", "-t", "0", "ll");
      assertTrue(ok("exec", "ll", "ip", "addr", "show", "eth1").out().contains("inet 169.254.20.7/16 "));

      // with none and host no interface takes them, but Docker keeps them on the endpoint
      ok("run", "-d", "--name", "llnone", "--network", "none", "--link-local-ip", "169.254.30.5", "busybox", "sleep",
          "1000");
      assertEquals("{\"LinkLocalIPs\":[\"169.254.30.5\"]}\n",
          ok("inspect", "-f", "{{json .NetworkSettings.Networks.none.IPAMConfig}}", "llnone").out());
      ok("create", "--name", "llhost", "--network", "host", "--link-local-ip", "169.254.30.6", "busybox", "true");
      assertEquals("{\"LinkLocalIPs\":[\"169.254.30.6\"]}\n",
          ok("inspect", "-f", "{{json .NetworkSettings.Networks.host.IPAMConfig}}", "llhost").out());

      // Docker's daemon's words, as its CLI prints them
      Cli.Result bad = berthd.ctl("run", "--rm", "--link-local-ip", "nope", "busybox", "true");
      assertEquals(125, bad.exit(), bad::toString);
      assertEquals("berthctl: Error response from daemon: invalid config for network default: invalid endpoint "
          + "settings:\ninvalid link-local IP address: nope." + RUN_HELP, bad.stderr());
      ok("network", "disconnect", "llnet", "ll");
      Cli.Result badConnect = berthd.ctl("network", "connect", "--link-local-ip", "0.0.0.0", "llnet", "ll");
      assertEquals("Error response from daemon: invalid endpoint settings:\ninvalid link-local IP address: 0.0.0.0\n",
          badConnect.stderr());
    } finally {
      removeContainers();
      berthd.ctl("network", "rm", "llnet");
    }
  }

  @Test
  void aMacAddressIsTheInterfacesAndStaysAcrossRestarts() throws Exception {
    try {
      ok("run", "-d", "--name", "mac", "--mac-address", "02:42:AC:11:00:99", "busybox", "sleep", "1000");
      assertEquals("02:42:ac:11:00:99\n", ok("exec", "mac", "cat", "/sys/class/net/eth0/address").out());
      JsonNode inspected = JSON.readTree(ok("inspect", "mac").stdout()).get(0);
      assertEquals("02:42:ac:11:00:99", inspected.get("NetworkSettings").get("MacAddress").asText());
      assertEquals("02:42:ac:11:00:99", inspected.get("Config").get("MacAddress").asText());
      ok("restart", "-t", "0", "mac");
      assertEquals("02:42:ac:11:00:99\n", ok("exec", "mac", "cat", "/sys/class/net/eth0/address").out());
    } finally {
      removeContainers();
    }
    Cli.Result malformed = berthd.ctl("run", "--rm", "--mac-address", "02:42:ac:11:00", "busybox", "true");
    assertEquals(125, malformed.exit(), malformed::toString);
    assertTrue(malformed.stderr().contains("MAC address"), malformed::toString);
    assertEquals("", ok("ps", "-aq").out());
    // as Docker 27's daemon: taken without an interface of the container's own, and unused
    try {
      ok("run", "-d", "--name", "owner", "busybox", "sleep", "1000");
      String ownerMac = ok("exec", "owner", "cat", "/sys/class/net/eth0/address").out();
      ok("run", "-d", "--name", "guest", "--network", "container:owner", "--mac-address", "02:42:ac:11:00:98",
          "busybox", "sleep", "1000");
      assertEquals(ownerMac, ok("exec", "guest", "cat", "/sys/class/net/eth0/address").out());
      assertEquals("\n", ok("inspect", "-f", "{{.Config.MacAddress}}", "guest").out());
      Cli.Result host = berthd.ctl("run", "--rm", "--network", "host", "--mac-address", "02:42:ac:11:00:98",
          "busybox", "true");
      assertEquals(0, host.exit(), host::toString);
      assertEquals("", host.stderr());
    } finally {
      removeContainers();
    }
  }

  @Test
  void networkConnectAndDisconnectLastAcrossRestarts() throws Exception {
    ok("network", "create", "--subnet", "10.204.1.0/24", "keepa");
    ok("network", "create", "--subnet", "10.204.2.0/24", "keepb");
    try {
      ok("run", "-d", "--name", "keeper", "--network", "keepa", "busybox", "sleep", "1000");
      ok("network", "connect", "--alias", "store", "keepb", "keeper");
      ok("create", "--name", "later", "busybox", "sleep", "1000");
      ok("network", "connect", "--ip", "10.204.2.50", "keepb", "later");
      ok("restart", "-t", "0", "keeper");
      assertEquals("10.204.1 10.204.2\n", subnets("keeper"));
      JsonNode store = JSON.readTree(ok("inspect", "keeper").stdout()).get(0).get("NetworkSettings").get("Networks")
          .get("keepb");
      assertEquals(ok("network", "inspect", "-f", "{{.Id}}", "keepb").out().strip(), store.get("NetworkID").asText());
      assertEquals("[\"store\"]", store.get("Aliases").toString());
      assertEquals("keeper", store.get("DNSNames").get(0).asText());
      assertEquals("store", store.get("DNSNames").get(1).asText());
      assertTrue(store.get("IPAddress").asText().startsWith("10.204.2."), store::toString);
      assertEquals("keeper \n", ok("network", "inspect", "-f", "{{range .Containers}}{{.Name}} {{end}}", "keepb").out(),
          "docker's template over the network's containers");
      ok("start", "later");
      assertEquals("10.88.0 10.204.2\n", subnets("later"));
      assertTrue(ok("exec", "later", "ip", "-4", "addr").out().contains("10.204.2.50/24"));
      // the alias and the name from the connect, known to peers after the restart
      assertEquals(0, berthd.ctl("exec", "later", "ping", "-c", "1", "-W", "2", "store").exit());
      ok("stop", "-t", "0", "keeper");
      JsonNode stopped = JSON.readTree(ok("inspect", "keeper").stdout()).get(0);
      assertEquals(List.of("keepa", "keepb"), fieldNames(stopped.get("NetworkSettings").get("Networks")));
      assertEquals("keepa,keepb\n", ok("ps", "-a", "--filter", "network=keepb", "--filter", "name=keeper",
          "--format", "{{.Networks}}").out());
      String keepbId = ok("network", "inspect", "-f", "{{.Id}}", "keepb").out().strip();
      assertEquals("keeper\n", ok("ps", "-a", "--filter", "network=" + keepbId.substring(0, 12), "--filter",
          "name=keeper", "--format", "{{.Names}}").out(), "a network by its id too");

      Cli.Result noNetwork = berthd.ctl("network", "connect", "nonet", "keeper");
      assertEquals(1, noNetwork.exit(), noNetwork::toString);
      assertEquals("Error response from daemon: network nonet not found\n", noNetwork.stderr(), "Docker's words");
      String keeperId = ok("inspect", "-f", "{{.Id}}", "keeper").out().strip();
      for (String force : List.of("", "-f")) {
        // as Docker's daemon: the network of a container that is not running is one of its own
        Cli.Result notItsNetwork = berthd.ctl(Stream.of("network", "disconnect", force, "nonet", "keeper")
            .filter(a -> !a.isEmpty()).toArray(String[]::new));
        assertEquals(1, notItsNetwork.exit(), notItsNetwork::toString);
        assertEquals("Error response from daemon: container " + keeperId + " is not connected to the network nonet\n",
            notItsNetwork.stderr(), "Docker's words");
      }

      // as Docker's daemon, which keeps the settings a container that is not running has for a network it is on
      Cli.Result twice = berthd.ctl("network", "connect", "keepb", "keeper");
      assertEquals(0, twice.exit(), twice::toString);
      assertEquals(List.of("keepa", "keepb"),
          fieldNames(JSON.readTree(ok("inspect", "keeper").stdout()).get(0).get("NetworkSettings").get("Networks")));
      // its first network given up, the connected one takes its place
      ok("network", "disconnect", "keepa", "keeper");
      ok("start", "keeper");
      assertEquals("10.204.2\n", subnets("keeper"));
      ok("network", "disconnect", "keepb", "later");
      ok("restart", "-t", "0", "later");
      assertEquals("10.88.0\n", subnets("later"));
      Cli.Result notConnected = berthd.ctl("network", "disconnect", "keepb", "later");
      assertEquals(1, notConnected.exit(), notConnected::toString);
      String laterId = ok("inspect", "-f", "{{.Id}}", "later").out().strip();
      // Docker's daemon's words, naming the container by its full id
      assertEquals("Error response from daemon: container " + laterId + " is not connected to network keepb\n",
          notConnected.stderr());
      ok("stop", "-t", "0", "later");
      Cli.Result stoppedNotConnected = berthd.ctl("network", "disconnect", "keepb", "later");
      assertEquals("Error response from daemon: container " + laterId + " is not connected to the network keepb\n",
          stoppedNotConnected.stderr(), "Docker's words for a container that is not running");
      assertEquals(stoppedNotConnected.stderr(), berthd.ctl("network", "disconnect", "-f", "keepb", "later").stderr(),
          "forced, as Docker's: -f does without the network, not without the connection");
      ok("start", "later");
      Cli.Result runningForced = berthd.ctl("network", "disconnect", "-f", "nonet", "later");
      assertEquals(1, runningForced.exit(), runningForced::toString);
      assertEquals("Error response from daemon: container " + laterId + " is not connected to the network nonet\n",
          runningForced.stderr(), "Docker's words for a network forced that is not there");
      assertEquals("Error response from daemon: network nonet not found\n",
          berthd.ctl("network", "disconnect", "nonet", "later").stderr(), "running, unforced: the network is looked up");
      Cli.Result outside = berthd.ctl("network", "connect", "--ip", "10.99.0.5", "keepb", "later");
      assertEquals(1, outside.exit(), outside::toString);
      assertEquals("Error response from daemon: invalid endpoint settings:\n"
          + "no configured subnet or ip-range contain the IP address 10.99.0.5\n", outside.stderr(), "Docker's words");
    } finally {
      removeContainers();
      ok("network", "rm", "keepa", "keepb");
    }
  }

  @Test
  void aContainerSharingAnothersNetworkResolvesItsPeers() throws Exception {
    ok("network", "create", "--subnet", "10.204.3.0/24", "sharenet");
    try {
      ok("run", "-d", "--name", "owner", "--network", "sharenet", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "peer", "--network", "sharenet", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "sidecar", "--network", "container:owner", "busybox", "sleep", "1000");
      // as in Docker, where the two share /etc/hosts: the owner's peers by name, and peers that come later
      assertEquals(0, berthd.ctl("exec", "sidecar", "ping", "-c", "1", "-W", "2", "peer").exit());
      ok("run", "-d", "--name", "later", "--network", "sharenet", "busybox", "sleep", "1000");
      assertTrue(ok("exec", "sidecar", "cat", "/etc/hosts").out().contains("later"));
      assertEquals(ok("exec", "owner", "cat", "/etc/hosts").out(), ok("exec", "sidecar", "cat", "/etc/hosts").out());
    } finally {
      removeContainers();
      ok("network", "rm", "sharenet");
    }
  }

  /** The /24 prefixes of the container's IPv4 addresses besides loopback, in interface order. */
  private static String subnets(String container) {
    return ok("exec", container, "ip", "-4", "-o", "addr").out().lines()
        .map(l -> l.split("\\s+")[3]).filter(a -> !a.startsWith("127."))
        .map(a -> a.substring(0, a.lastIndexOf('.'))).reduce((x, y) -> x + " " + y).orElse("") + "\n";
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void inspectGivesTheNetworkNamespaceToEnterExposedPortsAndTmpfsAsDocker() throws Exception {
    ok("run", "-d", "--name", "sandboxed", "-p", "18086:80", "--expose", "9000", "--tmpfs", "/data:uid=1000",
        "--tmpfs", "/plain", "--mount", "type=tmpfs,dst=/listed", "busybox", "sleep", "1000");
    ok("run", "-d", "--name", "onhost", "--network", "host", "busybox", "sleep", "1000");
    // the namespace the container's process is in, as a path nsenter --net= takes
    for (String container : List.of("sandboxed", "onhost")) {
      String[] fields = ok("inspect", "-f", "{{.State.Pid}} {{.NetworkSettings.SandboxKey}}", container).out()
          .strip().split(" ");
      assertEquals(Files.getAttribute(Path.of("/proc", fields[0], "ns", "net"), "unix:ino"),
          Files.getAttribute(Path.of(fields[1]), "unix:ino"), container);
    }
    // an exposed port that is not published is there with no bindings, as Docker's
    assertEquals("{\"80/tcp\":[{\"HostIp\":\"0.0.0.0\",\"HostPort\":\"18086\"}],\"9000/tcp\":null}\n",
        ok("inspect", "-f", "{{json .NetworkSettings.Ports}}", "sandboxed").out());
    assertEquals("map[80/tcp:[{0.0.0.0 18086}] 9000/tcp:[]]\n",
        ok("inspect", "-f", "{{.NetworkSettings.Ports}}", "sandboxed").out());
    // --tmpfs as given and no mount point; a --mount tmpfs is one
    assertEquals("{\"/data\":\"uid=1000\",\"/plain\":\"\"} [/listed]\n", ok("inspect", "-f",
        "{{json .HostConfig.Tmpfs}} [{{range .Mounts}}{{.Destination}}{{end}}]", "sandboxed").out());
    String mounts = ok("exec", "sandboxed", "cat", "/proc/mounts").out();
    assertTrue(mounts.lines().anyMatch(l -> l.startsWith("tmpfs /data tmpfs ") && l.contains("noexec")
        && l.contains("uid=1000")), mounts);
    assertEquals("map[] null\n", ok("inspect", "-f", "{{.HostConfig.Tmpfs}} {{json .HostConfig.Tmpfs}}", "onhost").out());
    // fields scripts name that Berth has no such thing for: Docker's zero values, not errors
    assertEquals("<nil>||0||||[] [] null\n", ok("inspect", "-f", "{{.Config.Healthcheck}}|{{.AppArmorProfile}}|"
        + "{{.HostConfig.BlkioWeight}}|{{.HostConfig.CpusetMems}}|{{.HostConfig.Isolation}}|{{.Config.MacAddress}}|"
        + "{{.Config.Entrypoint}} {{.ExecIDs}} {{json .Config.Entrypoint}}", "sandboxed").out());

    // stopped: no namespace, and no ports, as Docker's
    ok("kill", "sandboxed");
    String stopped = "";
    for (int i = 0; i < 300 && !stopped.equals("exited  {}\n"); i++) {
      Thread.sleep(100);
      stopped = ok("inspect", "-f", "{{.State.Status}} {{.NetworkSettings.SandboxKey}} "
          + "{{json .NetworkSettings.Ports}}", "sandboxed").out();
    }
    assertEquals("exited  {}\n", stopped);
  }

  @Test
  void inspectGivesEachAttachmentDockersIdsTheSameAtEveryLookAsNetworkInspect() throws Exception {
    ok("network", "create", "ids2");
    try {
      String id = ok("run", "-d", "--name", "twonets", "busybox", "sleep", "1000").out().strip();
      ok("network", "connect", "ids2", "twonets");
      // as Docker 27's: its CLI gives an (empty) IPAM config on every connect, none for run's network
      assertEquals("{} null\n", ok("inspect", "-f", "{{json .NetworkSettings.Networks.ids2.IPAMConfig}} "
          + "{{json .NetworkSettings.Networks.bridge.IPAMConfig}}", "twonets").out());
      ok("run", "-d", "--name", "nonet", "--network", "none", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "hostnet", "--network", "host", "busybox", "sleep", "1000");
      String ids = "{{.NetworkSettings.SandboxID}} {{.NetworkSettings.EndpointID}} "
          + "{{.NetworkSettings.Networks.bridge.EndpointID}} {{.NetworkSettings.Networks.ids2.EndpointID}}";
      String twonets = ok("inspect", "-f", ids, "twonets").out();
      String hex = "([0-9a-f]{64})";
      Matcher m = Pattern.compile(hex + " " + hex + " " + hex + " " + hex + "\n").matcher(twonets);
      assertTrue(m.matches(), twonets);
      assertEquals(m.group(3), m.group(2), "the top level is the default bridge's");
      assertNotEquals(m.group(3), m.group(4), "an endpoint per network");
      assertEquals(twonets, ok("inspect", "-f", ids, "twonets").out());
      JsonNode attached = JSON.readTree(ok("network", "inspect", "ids2").stdout()).get(0).get("Containers").get(id);
      assertEquals(m.group(4), attached.get("EndpointID").asText(), "network inspect's is the container's");
      // as Docker's: a sandbox and an endpoint on none and host too; no address, so none at the top level
      assertTrue(ok("inspect", "-f", "{{.NetworkSettings.SandboxID}} {{.NetworkSettings.EndpointID}} "
          + "{{.NetworkSettings.Networks.none.EndpointID}}", "nonet").out().matches(hex + "  " + hex + "\n"));
      assertTrue(ok("inspect", "-f", "{{.NetworkSettings.SandboxID}} {{.NetworkSettings.EndpointID}} "
          + "{{.NetworkSettings.Networks.host.EndpointID}}", "hostnet").out().matches(hex + "  " + hex + "\n"));
      ok("restart", "-t", "0", "twonets");
      assertEquals(twonets, ok("inspect", "-f", ids, "twonets").out(), "the same for the same attachment");
      ok("stop", "-t", "0", "twonets");
      assertEquals("   \n", ok("inspect", "-f", ids, "twonets").out(), "none when stopped, as Docker's");
      ok("network", "disconnect", "bridge", "twonets");
      assertEquals("{}\n", ok("inspect", "-f", "{{json .NetworkSettings.Networks.ids2.IPAMConfig}}", "twonets").out(),
          "the connect's IPAM config kept once it is the first network");
    } finally {
      removeContainers();
      ok("network", "rm", "ids2");
    }
  }

  @Test
  void networkNoneHasOnlyLoopbackAndHostSharesTheHosts() throws Exception {
    assertEquals("lo\n", ok("run", "--rm", "--network", "none", "busybox", "ls", "/sys/class/net").out());
    ok("run", "-d", "--name", "isolated", "--network", "none", "busybox", "sleep", "1000");
    JsonNode none = JSON.readTree(ok("inspect", "isolated").stdout()).get(0).get("NetworkSettings");
    assertEquals("", none.get("Networks").get("none").get("IPAddress").asText(), "loopback is no address, as Docker has it");
    assertEquals("", none.get("IPAddress").asText());
    Cli.Result running = berthd.ctl("network", "connect", "none", "isolated");
    assertEquals("Error response from daemon: endpoint with name isolated already exists in network none\n",
        running.stderr(), "Docker's daemon's words for a running container");
    ok("stop", "-t", "0", "isolated");
    // as Docker's daemon, which keeps a stopped container's settings for a network it is on already
    ok("network", "connect", "none", "isolated");
    assertEquals(List.of("none"),
        fieldNames(JSON.readTree(ok("inspect", "isolated").stdout()).get(0).get("NetworkSettings").get("Networks")));
    ok("start", "isolated");
    assertEquals("lo\n", ok("exec", "isolated", "ls", "/sys/class/net").out());
    ok("rm", "-f", "isolated");
    TreeSet<String> hostDevices = new TreeSet<>(Arrays.asList(berthd.inNetns("ls", "/sys/class/net").split("\\s+")));
    TreeSet<String> seen = new TreeSet<>(ok("run", "--rm", "--network", "host", "busybox", "ls", "/sys/class/net")
        .out().lines().toList());
    assertEquals(hostDevices, seen);
    try {
      // as Docker's daemon: a container on the host's network is on it already, any other cannot join it
      ok("run", "-d", "--name", "onhost", "--network", "host", "busybox", "sleep", "1000");
      assertEquals("Error response from daemon: endpoint with name onhost already exists in network host\n",
          berthd.ctl("network", "connect", "host", "onhost").stderr(), "Docker's daemon's words for a running container");
      String hostConflict = "Error response from daemon: container cannot be disconnected from host network or "
          + "connected to host network\n";
      assertEquals(hostConflict, berthd.ctl("network", "disconnect", "host", "onhost").stderr(),
          "Docker's daemon's words for a running container on the host's network");
      assertEquals(hostConflict, berthd.ctl("network", "disconnect", "-f", "host", "onhost").stderr(), "forced too");
      // the endpoint settings are checked first, as Docker's daemon does, running or not
      String unsupported = "Error response from daemon: invalid endpoint settings:\n"
          + "* user specified IP address is supported on user defined networks only\n"
          + "* network-scoped alias is supported only for containers in user defined networks\n";
      Cli.Result runningWithSettings = berthd.ctl("network", "connect", "--ip", "10.48.9.9", "--alias", "foo", "host",
          "onhost");
      assertEquals(1, runningWithSettings.exit(), runningWithSettings::toString);
      assertEquals(unsupported, runningWithSettings.stderr());
      ok("stop", "-t", "0", "onhost");
      Cli.Result stoppedWithSettings = berthd.ctl("network", "connect", "--ip", "10.48.9.9", "--alias", "foo", "host",
          "onhost");
      assertEquals(1, stoppedWithSettings.exit(), stoppedWithSettings::toString);
      assertEquals(unsupported, stoppedWithSettings.stderr());
      Cli.Result linked = berthd.ctl("network", "connect", "--link", "onhost:peer", "host", "onhost");
      assertEquals(1, linked.exit(), linked::toString);
      assertTrue(linked.stderr().contains("links are only supported for user-defined networks"), linked::toString);
      ok("network", "connect", "host", "onhost");
      assertEquals(List.of("host"),
          fieldNames(JSON.readTree(ok("inspect", "onhost").stdout()).get(0).get("NetworkSettings").get("Networks")));
      ok("create", "--name", "onbridge", "busybox", "true");
      Cli.Result bridgedWithIp = berthd.ctl("network", "connect", "--ip", "10.48.9.9", "host", "onbridge");
      assertEquals("Error response from daemon: invalid endpoint settings:\n"
          + "user specified IP address is supported on user defined networks only\n", bridgedWithIp.stderr(),
          "before the conflict, as Docker's daemon");
      Cli.Result bridged = berthd.ctl("network", "connect", "host", "onbridge");
      assertEquals(1, bridged.exit(), bridged::toString);
      assertEquals("Error response from daemon: container cannot be disconnected from host network or connected to "
          + "host network\n", bridged.stderr());
      String bridgedId = ok("inspect", "-f", "{{.Id}}", "onbridge").out().strip();
      assertEquals("Error response from daemon: container " + bridgedId + " is not connected to the network host\n",
          berthd.ctl("network", "disconnect", "host", "onbridge").stderr(), "as any network it is not on");
    } finally {
      berthd.ctl("rm", "-f", "onhost", "onbridge");
    }
    // as docker: ports with the host's network are discarded with a warning, with none refused
    Cli.Result discarded = ok("run", "--rm", "--network", "host", "-p", "80:80", "busybox", "true");
    assertEquals("WARNING: Published ports are discarded when using host network mode\n", discarded.stderr());
    Cli.Result conflict = berthd.ctl("run", "--rm", "--network", "none", "-p", "80:80", "busybox", "true");
    assertEquals(125, conflict.exit());
    assertEquals("berthctl: conflicting options: port publishing and the network mode none." + RUN_HELP,
        conflict.stderr());
  }

  @Test
  void volumesFromSharesAnotherContainersVolumesAndBinds(@TempDir Path host) throws Exception {
    Files.writeString(host.resolve("host.txt"), "from host\n");
    try {
      ok("create", "--name", "store", "-v", "shared:/data", "-v", "/scratch", "-v", host + ":/hostdir:ro",
          "--tmpfs", "/fast", "busybox", "true");
      assertEquals("from host\n", ok("run", "--rm", "--volumes-from", "store", "busybox", "sh", "-c",
          "echo kept > /data/f && echo anon > /scratch/g && cat /hostdir/host.txt && test ! -e /fast").out());
      Cli.Result readOnly = berthd.ctl("run", "--name", "reader", "--volumes-from", "store:ro", "busybox", "sh", "-c",
          "cat /data/f /scratch/g; echo no > /data/h");
      assertEquals("kept\nanon\n", readOnly.out(), readOnly::toString);
      assertTrue(readOnly.stderr().contains("Read-only file system"), readOnly::toString);
      assertEquals("[\"store:ro\"]", JSON.readTree(ok("inspect", "reader").stdout()).get(0).get("HostConfig")
          .get("VolumesFrom").toString());
      // a mount of the container's own wins over what it inherits at the same path
      assertEquals("", ok("run", "--rm", "--volumes-from", "store", "-v", "/data", "busybox", "ls", "/data").out());

      Cli.Result unknown = berthd.ctl("run", "--rm", "--volumes-from", "nosuch", "busybox", "true");
      assertEquals(125, unknown.exit(), unknown::toString);
      assertEquals("berthctl: Error response from daemon: No such container: nosuch." + RUN_HELP, unknown.stderr());

      // as Docker's daemon: rm -v keeps, without complaint, an anonymous volume another container uses
      Cli.Result removed = berthd.ctl("rm", "-v", "store");
      assertEquals(0, removed.exit(), removed::toString);
      assertEquals("store\n", removed.out(), removed::toString);
      assertEquals("anon\n", ok("run", "--rm", "--volumes-from", "reader", "busybox", "cat", "/scratch/g").out());
      // the copy stays anonymous: rm -v of the last container that uses it removes it, as Docker's
      // daemon does
      String scratch = scratchVolume();
      ok("rm", "-v", "reader");
      assertFalse(List.of(ok("volume", "ls", "-q").out().split("\n")).contains(scratch),
          "the anonymous volume goes with the last container using it");
    } finally {
      String scratch = scratchVolume();
      berthd.ctl("rm", "-f", "-v", "store", "reader");
      berthd.ctl("volume", "rm", "shared", scratch);
    }
  }

  @Test
  void volumesFromNeverSeedsNorRemakesTheVolumesItBrings() throws Exception {
    try {
      // an empty anonymous volume at /etc: as Docker's daemon, the container that shares it does not
      // fill it from its image (busybox's /etc/passwd), as it would fill a volume of its own
      ok("create", "--name", "etcless", "--mount", "type=volume,dst=/etc,volume-nocopy", "busybox", "true");
      assertEquals("not seeded\n", ok("run", "--rm", "--volumes-from", "etcless", "busybox", "sh", "-c",
          "test -e /etc/passwd && echo seeded || echo not seeded").out());
      String volume = ok("inspect", "-f", "{{range .Mounts}}{{.Name}}{{end}}", "etcless").out().strip();

      // what a rm -v of the container in the moment between another create's reading of its mounts
      // and its mounting of them leaves: the volume gone. Here its record stops naming the volume
      // (which berthd then lets volume rm take), and the container stays to be read
      String id = ok("inspect", "-f", "{{.Id}}", "etcless").out().strip();
      ContainersGrpc.newBlockingStub(berthd.channel()).update(UpdateContainerRequest.newBuilder()
          .setContainer(Container.newBuilder().setId(id))
          .setUpdateMask(FieldMask.newBuilder().addPaths("labels." + ContainerLabels.VOLUMES)).build());
      ok("volume", "rm", volume);
      Cli.Result gone = berthd.ctl("run", "--rm", "--volumes-from", "etcless", "busybox", "true");
      assertEquals(125, gone.exit(), gone::toString);
      assertEquals("berthctl: Error response from daemon: get " + volume + ": no such volume." + RUN_HELP,
          gone.stderr(), "refused as Docker's daemon refuses it, not made anew as a named volume");
      assertFalse(List.of(ok("volume", "ls", "-q").out().split("\n")).contains(volume));
    } finally {
      berthd.ctl("rm", "-f", "-v", "etcless");
    }
  }

  /** The anonymous volume at /scratch of container reader, if it is still there. */
  private String scratchVolume() {
    return berthd.ctl("inspect", "-f", "{{range .Mounts}}{{if eq .Destination \"/scratch\"}}{{.Name}}"
        + "{{end}}{{end}}", "reader").out().strip();
  }

  @Test
  void cpOnAStoppedContainerReadsAndWritesItsVolumesAndBindsNotTheLayerBeneath(@TempDir Path host) throws Exception {
    Path bound = Files.createDirectory(host.resolve("bound"));
    Files.writeString(bound.resolve("h.txt"), "from host\n");
    Files.writeString(host.resolve("in.txt"), "copied in\n");
    try {
      ok("run", "--name", "cv", "-v", "cpvol:/vol", "-v", bound + ":/vol/hostdir", "-v", bound + ":/ro:ro",
          "busybox", "sh", "-c", "echo in volume > /vol/x");
      ok("cp", "cv:/vol/x", host.resolve("x").toString());
      assertEquals("in volume\n", Files.readString(host.resolve("x")));
      ok("cp", "cv:/vol/hostdir/h.txt", host.resolve("h.txt").toString());
      assertEquals("from host\n", Files.readString(host.resolve("h.txt")));
      // a file bound on a file the copy makes, in a directory it makes, as runc made them
      ok("volume", "create", "emptied");
      ok("create", "--name", "cv-file", "-v", "emptied:/vol", "-v", bound.resolve("h.txt") + ":/vol/made/file.txt",
          "busybox", "true");
      ok("cp", "cv-file:/vol/made/file.txt", host.resolve("file.txt").toString());
      assertEquals("from host\n", Files.readString(host.resolve("file.txt")));

      ok("cp", host.resolve("in.txt").toString(), "cv:/vol/new");
      ok("cp", host.resolve("in.txt").toString(), "cv:/vol/hostdir/");
      assertEquals("copied in\n", ok("run", "--rm", "-v", "cpvol:/v", "busybox", "cat", "/v/new").out());
      assertEquals("copied in\n", Files.readString(bound.resolve("in.txt")));
      assertFalse(ok("diff", "cv").out().contains("/vol/new"), "the container's layer is left alone");
      Cli.Result readOnly = berthd.ctl("cp", host.resolve("in.txt").toString(), "cv:/ro/y");
      assertEquals(1, readOnly.exit(), readOnly::toString);
      assertEquals("Error response from daemon: mounted volume is marked read-only\n", readOnly.stderr());
      assertFalse(Files.exists(bound.resolve("y")));
      // the copy's mounts are gone with it
      assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains("berthctl-cp"));
    } finally {
      berthd.ctl("rm", "-f", "cv", "cv-file");
      berthd.ctl("volume", "rm", "cpvol", "emptied");
    }
  }

  @Test
  void cpIntoAReadOnlyMountOrRootOfARunningContainerIsRefusedInDockersWords(@TempDir Path host) throws Exception {
    Files.writeString(host.resolve("in.txt"), "copied in\n");
    try {
      ok("run", "-d", "--name", "cvro", "-v", host + ":/ro:ro", "--read-only", "busybox", "sleep", "1000");
      Cli.Result toMount = berthd.ctl("cp", host.resolve("in.txt").toString(), "cvro:/ro/x");
      assertEquals(1, toMount.exit(), toMount::toString);
      assertEquals("Error response from daemon: mounted volume is marked read-only\n", toMount.stderr());
      Cli.Result toRoot = berthd.ctl("cp", host.resolve("in.txt").toString(), "cvro:/tmp/x");
      assertEquals("Error response from daemon: container rootfs is marked read-only\n", toRoot.stderr());
      ok("cp", "cvro:/ro/in.txt", host.resolve("back.txt").toString());
      assertEquals("copied in\n", Files.readString(host.resolve("back.txt")));
    } finally {
      berthd.ctl("rm", "-f", "cvro");
    }
  }

  @Test
  void mountsVolumeLabelAndDriverGoToTheVolumeItCreates() throws Exception {
    try {
      ok("run", "--rm", "--mount", "type=volume,src=labelled,dst=/d,volume-driver=local,\"volume-label=team=web\"",
          "busybox", "true");
      assertEquals("web\n", ok("volume", "inspect", "-f", "{{index .Labels \"team\"}}", "labelled").out());
      Cli.Result other = berthd.ctl("run", "--rm", "--mount", "src=labelled,dst=/d,volume-label=team=db", "busybox",
          "true");
      assertEquals(125, other.exit(), other::toString);
    } finally {
      berthd.ctl("volume", "rm", "labelled");
    }
  }

  @Test
  void inspectShowsConfigVolumesAndHostConfigMountsAsDockers(@TempDir Path host) throws Exception {
    try {
      ok("create", "--name", "described", "-v", "/anon", "-v", "described-named:/n", "--mount",
          "type=bind,src=" + host + ",dst=/b,readonly", "--mount", "type=volume,dst=/m,volume-nocopy", "busybox", "true");
      assertEquals("{\"/anon\":{}}\n", ok("inspect", "-f", "{{json .Config.Volumes}}", "described").out());
      assertEquals("[{\"Type\":\"bind\",\"Source\":\"" + host + "\",\"Target\":\"/b\",\"ReadOnly\":true},"
          + "{\"Type\":\"volume\",\"Source\":\"\",\"Target\":\"/m\",\"ReadOnly\":false,\"VolumeOptions\":{\"NoCopy\":true}}]\n",
          ok("inspect", "-f", "{{json .HostConfig.Mounts}}", "described").out());
      assertEquals("bind /b true;volume /m false;\n", ok("inspect", "-f",
          "{{range .HostConfig.Mounts}}{{.Type}} {{.Target}} {{.ReadOnly}};{{end}}", "described").out());

      // Docker's MountPoint fields only: what Berth keeps for rm -v (Anonymous) stays out
      for (JsonNode mount : JSON.readTree(ok("inspect", "described").stdout()).get(0).get("Mounts")) {
        List<String> fields = new ArrayList<>();
        mount.fieldNames().forEachRemaining(fields::add);
        assertEquals(mount.path("Type").asText().equals("volume")
            ? List.of("Type", "Name", "Source", "Destination", "Driver", "Mode", "RW", "Propagation")
            : List.of("Type", "Source", "Destination", "Mode", "RW", "Propagation"), fields);
      }

      ok("create", "--name", "plain", "busybox", "true");
      assertEquals("null []\n", ok("inspect", "-f", "{{json .Config.Volumes}} {{json .HostConfig.Mounts}}", "plain").out());
      // not given: Docker's nil *int64
      assertEquals("<nil> null\n", ok("inspect", "-f", "{{.HostConfig.PidsLimit}} {{json .HostConfig.PidsLimit}}",
          "plain").out());
    } finally {
      berthd.ctl("rm", "-v", "described", "plain");
      berthd.ctl("volume", "rm", "described-named");
    }
  }

  @Test
  void aMountedTmpfsHasItsModeAndIsDescribedAsDockers() {
    ok("run", "-d", "--name", "scratch", "--mount", "type=tmpfs,destination=/t,tmpfs-mode=1770,tmpfs-size=1m",
        "--mount", "type=tmpfs,dst=/r,readonly", "busybox", "sleep", "100");
    assertEquals("1770\n", ok("exec", "scratch", "busybox", "stat", "-c", "%a", "/t").out());
    // Docker's Mode is -v's mode word, empty for a tmpfs; its options are HostConfig.Mounts', the mode a number
    assertEquals("[{\"Type\":\"tmpfs\",\"Source\":\"\",\"Destination\":\"/t\",\"Mode\":\"\",\"RW\":true,"
        + "\"Propagation\":\"\"},{\"Type\":\"tmpfs\",\"Source\":\"\",\"Destination\":\"/r\",\"Mode\":\"\","
        + "\"RW\":false,\"Propagation\":\"\"}]\n", ok("inspect", "-f", "{{json .Mounts}}", "scratch").out());
    assertEquals("[{\"Type\":\"tmpfs\",\"Source\":\"\",\"Target\":\"/t\",\"ReadOnly\":false,"
        + "\"TmpfsOptions\":{\"SizeBytes\":1048576,\"Mode\":1016}},"
        + "{\"Type\":\"tmpfs\",\"Source\":\"\",\"Target\":\"/r\",\"ReadOnly\":true}]\n",
        ok("inspect", "-f", "{{json .HostConfig.Mounts}}", "scratch").out());
  }

  @Test
  void pruneLabelFiltersAllMatchAndWhatEveryNegatedOneMatchesIsKept() throws Exception {
    List<String> only = List.of("--filter", "label=pf.a=1", "--filter", "label=pf.b=1", "--filter", "label!=pf.keep");
    ok("create", "--name", "pf-a", "--label", "pf.a=1", "busybox", "true");
    ok("create", "--name", "pf-ab", "--label", "pf.a=1", "--label", "pf.b=1", "busybox", "true");
    ok("create", "--name", "pf-kept", "--label", "pf.a=1", "--label", "pf.b=1", "--label", "pf.keep", "busybox", "true");
    ok(args(List.of("container", "prune", "-f"), only));
    assertEquals(List.of("pf-a", "pf-kept"), ok("ps", "-a", "--format", "{{.Names}}").out().lines().sorted().toList());
    try {
      ok("network", "create", "pf-a", "--subnet", "10.203.11.0/24", "--label", "pf.a=1");
      ok("network", "create", "pf-ab", "--subnet", "10.203.12.0/24", "--label", "pf.a=1", "--label", "pf.b=1");
      ok("network", "create", "pf-kept", "--subnet", "10.203.13.0/24", "--label", "pf.a=1", "--label", "pf.b=1",
          "--label", "pf.keep=yes");
      assertEquals("Deleted Networks:\npf-ab\n\n", ok(args(List.of("network", "prune", "-f"), only)).out());
      ok("volume", "create", "--label", "pf.a=1", "pf-a");
      ok("volume", "create", "--label", "pf.a=1", "--label", "pf.b=1", "pf-ab");
      ok("volume", "create", "--label", "pf.a=1", "--label", "pf.b=1", "--label", "pf.keep=", "pf-kept");
      assertTrue(ok(args(List.of("volume", "prune", "-a", "-f"), only)).out().startsWith("Deleted Volumes:\npf-ab\n\n"));
      assertEquals("Total reclaimed space: 0B\n",
          ok("volume", "prune", "-a", "-f", "--filter", "label=pf.none").out(), "none selected is not all");
      assertEquals(List.of("pf-a", "pf-kept"), ok("volume", "ls", "-q").out().lines().filter(v -> v.startsWith("pf-"))
          .sorted().toList());
    } finally {
      berthd.ctl("network", "rm", "pf-a", "pf-ab", "pf-kept");
      berthd.ctl("volume", "rm", "-f", "pf-a", "pf-ab", "pf-kept");
    }
  }

  private static String[] args(List<String> command, List<String> filters) {
    return Stream.concat(command.stream(), filters.stream()).toArray(String[]::new);
  }

  @Test
  void namedVolumeKeepsItsDataAcrossContainers() throws Exception {
    try {
      VolumesGrpc.newBlockingStub(berthd.channel()).list(ListVolumesRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      Assumptions.assumeTrue(e.getStatus().getCode() != Status.Code.UNIMPLEMENTED,
          "berthd serves no berth.volumes.v1 yet");
    }
    ok("run", "--rm", "-v", "data:/data", "busybox", "sh", "-c", "echo kept > /data/f");
    assertEquals("kept\n", ok("run", "--rm", "-v", "data:/data:ro", "busybox", "cat", "/data/f").out());
    assertTrue(ok("volume", "ls", "-q").out().lines().anyMatch("data"::equals));
    // docker inspect finds volumes and networks too, after containers and images
    assertEquals(ok("volume", "inspect", "-f", "{{.Mountpoint}}", "data").out(),
        ok("inspect", "-f", "{{.Mountpoint}}", "data").out());
    assertEquals("bridge\n", ok("inspect", "--type", "network", "-f", "{{.Name}}", "bridge").out());
    Cli.Result noVolume = berthd.ctl("inspect", "--type", "volume", "bridge");
    assertEquals(1, noVolume.exit(), noVolume::toString);
    assertEquals("Error response from daemon: get bridge: no such volume\n", noVolume.stderr());

    String user = ok("create", "--name", "user", "-v", "data:/data", "-v", "/scratch", "busybox", "true").out().strip();
    Cli.Result inUse = berthd.ctl("volume", "rm", "data");
    assertEquals(1, inUse.exit(), inUse::toString);
    // Docker's daemon's words, naming its users by full id
    assertEquals("Error response from daemon: remove data: volume is in use - [" + user + "]\n", inUse.stderr());
    // as docker's: creating it again is no error, also with other labels or options, which change nothing
    assertEquals("data\n", ok("volume", "create", "data").out());
    assertEquals("data\n", ok("volume", "create", "--label", "team=web", "-o", "type=tmpfs", "-o", "device=tmpfs",
        "data").out());
    assertEquals("map[] map[]\n", ok("volume", "inspect", "-f", "{{.Labels}} {{.Options}}", "data").out());
    // as Docker's CLI: a label without =VALUE is an empty one
    assertEquals("tagged\n", ok("volume", "create", "--label", "env", "-l", "team=web", "tagged").out());
    assertEquals("map[env: team:web]\n", ok("volume", "inspect", "-f", "{{.Labels}}", "tagged").out());
    ok("volume", "rm", "tagged");
    // Docker's daemon's: RFC 3339 in whole seconds, and its fields in its order
    String created = ok("volume", "inspect", "-f", "{{.CreatedAt}}", "data").out();
    assertTrue(created.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(Z|[+-]\\d\\d:\\d\\d)\n"), created);
    List<String> fields = new java.util.ArrayList<>();
    JSON.readTree(ok("volume", "inspect", "data").stdout()).get(0).fieldNames().forEachRemaining(fields::add);
    assertEquals(List.of("CreatedAt", "Driver", "Labels", "Mountpoint", "Name", "Options", "Scope", "UsedBy"), fields);
    assertEquals("data\n", ok("volume", "ls", "-q", "--filter", "name=dat", "--filter", "dangling=false").out());
    assertEquals("", ok("volume", "ls", "-q", "--filter", "name=data", "--filter", "dangling=true").out());
    // Docker's fields, a cluster volume's N/A for a local one
    assertEquals("data local N/A N/A N/A\n", ok("volume", "ls", "--filter", "name=^data$", "--format",
        "{{.Name}} {{.Scope}} {{.Group}} {{.Availability}} {{.Status}}").out());
    Cli.Result gone = ok("volume", "rm", "-f", "no-such-volume");
    assertEquals("", gone.out() + gone.stderr());
    String anonymous = "";
    for (JsonNode m : JSON.readTree(ok("inspect", "user").stdout()).get(0).get("Mounts")) {
      if (m.get("Destination").asText().equals("/scratch")) {
        anonymous = m.get("Name").asText();
      }
    }
    assertFalse(anonymous.isEmpty());
    ok("rm", "-v", "user");
    List<String> left = ok("volume", "ls", "-q").out().lines().toList();
    assertFalse(left.contains(anonymous), left::toString);
    assertEquals("data\n", ok("volume", "rm", "data").out());
  }

  @Test
  void memoryLimitOomKillsAndInspectSaysSo() throws Exception {
    ok("run", "-d", "--name", "hog", "--memory", "8m", "--memory-swap", "8m", "busybox", "sh", "-c",
        "x=aaaaaaaaaaaaaaaa; while true; do x=$x$x; done");
    assertEquals("137\n", ok("wait", "hog").out());
    JsonNode state = JSON.readTree(ok("inspect", "hog").stdout()).get(0).get("State");
    assertTrue(state.get("OOMKilled").asBoolean(), state.toString());
    assertEquals(137, state.get("ExitCode").asInt());
  }
}
