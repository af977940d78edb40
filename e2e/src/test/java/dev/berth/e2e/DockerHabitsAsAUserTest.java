package dev.berth.e2e;

import static dev.berth.e2e.PrivateBerthd.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import dev.berth.client.testing.TestLayer;
import dev.berth.e2e.PrivateBerthd.Result;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a Docker user types in the first hour, through bin/berthctl against a bin/berthd of the
 * test's own (its networking in a network namespace of the test's): events as Docker prints
 * them, usage errors, -n, output into a closed pipe, inspect -f and the other templates, info,
 * image inspect, images by id and digest, the security and limit flags of run, and volumes seeded
 * from the image.
 */
class DockerHabitsAsAUserTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** An image whose data directory, a VOLUME, belongs to the non-root USER it runs as. */
  private static final String SEEDED_IMAGE = "ux-seeded:1";
  private static PrivateBerthd berthd;

  @BeforeAll
  static void start() throws Exception {
    berthd = PrivateBerthd.start();
    TestImage seeded = TestImage.builder("docker.io/library/" + SEEDED_IMAGE)
        .layer(TestImages.busyboxLayer())
        .layer(new TestLayer().dir("data", 0750, 1000, 1000).file("data/seed.txt", "from the image\n", 0640, 1000, 1000)
            .dir("data/sub", 0700, 1000, 1000))
        .user("1000:1000")
        .volumes("/data")
        .build();
    ok("load", "-i", seeded.writeDockerArchive(berthd.work().resolve("seeded.tar")).toString());
  }

  @AfterAll
  static void stop() throws Exception {
    if (berthd != null) {
      berthd.close();
    }
  }

  private static List<String> berthctlCommand(String... args) {
    return berthd.berthctlCommand(args);
  }

  private static Result berthctl(String... args) throws Exception {
    return berthd.berthctl(args);
  }

  private static Result ok(String... args) throws Exception {
    return berthd.ok(args);
  }

  /** berthctl events as a process whose lines are collected as they come. */
  private record Follower(Process process, List<String> lines) {
    static Follower start(String... args) throws IOException {
      Process p = new ProcessBuilder(berthctlCommand(args)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
      List<String> lines = new CopyOnWriteArrayList<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
          for (String line = r.readLine(); line != null; line = r.readLine()) {
            lines.add(line);
          }
        } catch (IOException e) {
          // the process was ended
        }
      });
      reader.setDaemon(true);
      reader.start();
      return new Follower(p, lines);
    }

    boolean awaitLine(Predicate<String> wanted, long millis) throws InterruptedException {
      for (long end = System.currentTimeMillis() + millis; System.currentTimeMillis() < end; ) {
        if (lines.stream().anyMatch(wanted)) {
          return true;
        }
        Thread.sleep(100);
      }
      return false;
    }
  }

  @Test
  void eventsAreOneLineOrOneJsonObjectEachInDockersWords() throws Exception {
    Follower text = Follower.start("events");
    // Docker's {{json .}} is its json format: the event message with its JSON field names
    Follower json = Follower.start("events", "--format", "{{json .}}", "--filter", "type=container");
    try {
      // an image tag is an event too: once the plain follower shows one, both are subscribed
      for (int i = 0; !text.awaitLine(l -> l.contains(" image tag "), 500); i++) {
        assertTrue(i < 60, "events never showed a tag: " + text.lines());
        ok("tag", "busybox", "ux-probe:" + i);
      }
      Result r = berthctl("run", "--name", "ux-ev", "-l", "team=ux", "busybox", "sh", "-c", "exit 3");
      assertEquals(3, r.exit(), r::toString);
      ok("rm", "ux-ev");
      assertTrue(json.awaitLine(l -> l.contains("\"destroy\""), 20_000), json.lines()::toString);
      assertTrue(text.awaitLine(l -> l.contains(" container destroy "), 20_000), text.lines()::toString);
    } finally {
      text.process().destroy();
      json.process().destroy();
    }
    String line = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z container %s [0-9a-f]{64} \\(%simage=busybox, "
        + "name=ux-ev, team=ux\\)";
    for (String action : List.of("create", "start", "destroy")) {
      assertTrue(text.lines().stream().anyMatch(l -> l.matches(String.format(line, action, ""))),
          action + ": " + text.lines());
    }
    assertTrue(text.lines().stream().anyMatch(l -> l.matches(String.format(line, "die", "execDuration=\\d+, exitCode=3, "))),
        text.lines()::toString);
    assertTrue(text.lines().stream().noneMatch(l -> l.contains(" snapshot ")), "no type Docker lacks: " + text.lines());
    List<JsonNode> objects = new ArrayList<>();
    for (String l : json.lines()) {
      objects.add(JSON.readTree(l));
    }
    List<String> life = List.of("create", "start", "die", "destroy");
    objects.removeIf(o -> !life.contains(o.get("Action").asText()));
    assertEquals(life, objects.stream().map(o -> o.get("Action").asText()).toList(), json.lines()::toString);
    JsonNode die = objects.get(2);
    assertEquals("container", die.get("Type").asText());
    assertEquals("3", die.get("Actor").get("Attributes").get("exitCode").asText());
    assertEquals("ux-ev", die.get("Actor").get("Attributes").get("name").asText());
    assertEquals(64, die.get("Actor").get("ID").asText().length());
    assertEquals("local", die.get("scope").asText());
    assertEquals(die.get("time").asLong(), die.get("timeNano").asLong() / 1_000_000_000L);
  }

  @Test
  void usageErrorsDashNAndAClosedPipe() throws Exception {
    Result missing = berthctl("run");
    assertEquals(1, missing.exit(), missing::toString);
    assertEquals("berthctl run: requires at least 1 argument.\nSee 'berthctl run --help'.\n", missing.err());
    Result unknown = berthctl("run", "--foo", "busybox");
    assertEquals(125, unknown.exit(), unknown::toString);
    assertEquals("unknown flag: --foo\nSee 'berthctl run --help'.\n", unknown.err());

    ok("run", "--name", "ux-lines", "busybox", "sh", "-c",
        "i=0; while [ $i -lt 20000 ]; do echo line-$i; i=$((i+1)); done");
    try {
      assertEquals("line-19998\nline-19999\n", ok("logs", "-n", "2", "ux-lines").out());
      ok("create", "--name", "ux-later", "busybox", "true");
      assertEquals("ux-later\n", ok("ps", "-n", "1", "--format", "{{.Names}}").out());
      assertEquals("ux-later\nux-lines\n", ok("ps", "--last", "2", "--format", "{{.Names}}").out());
      // the reader goes after one line: berthctl ends quietly, as docker does on SIGPIPE
      String pipeline = String.join(" ", berthctlCommand("logs", "ux-lines")) + " | head -n 1; echo ${PIPESTATUS[0]}";
      Result piped = run(List.of("bash", "-c", pipeline), null, 60);
      assertEquals("line-0\n141\n", piped.out(), piped::toString);
      assertEquals("", piped.err(), piped::toString);
      // help too, whose reader is gone before it is written
      Result help = run(List.of("bash", "-c", String.join(" ", berthctlCommand("--help"))
          + " | (exec 0<&-; sleep 1); echo ${PIPESTATUS[0]}"), null, 60);
      assertEquals("141\n", help.out(), help::toString);
      assertEquals("", help.err(), help::toString);
    } finally {
      berthctl("rm", "-f", "ux-lines", "ux-later");
    }
  }

  @Test
  void inspectFormatInfoImageInspectAndImagesById() throws Exception {
    ok("run", "-d", "--name", "ux-insp", "-l", "team=ux", "busybox", "sleep", "1000");
    try {
      String id = ok("inspect", "-f", "{{.Id}}", "ux-insp").out().strip();
      assertTrue(id.matches("[0-9a-f]{64}"), id);
      String line = ok("inspect", "--format", "{{.State.Status}} {{.Name}} {{index .Config.Labels \"team\"}} "
          + "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}={{.NetworkSettings.IPAddress}}", "ux-insp").out();
      assertTrue(line.matches("running /ux-insp ux (10\\.88\\.\\d+\\.\\d+)=\\1\n"), line);
      JsonNode config = JSON.readTree(ok("inspect", "-f", "{{json .Config}}", "ux-insp").out());
      assertEquals("busybox", config.get("Image").asText());
      assertEquals("ux-insp: Up", ok("ps", "--format", "{{.Names}}: {{.Status}}", "--filter", "name=ux-insp").out()
          .strip().replaceAll("Up .*", "Up"));

      // images: Docker's containerd-store id (the target's digest), short and once with -q
      ok("tag", "busybox", "ux-again:1");
      JsonNode image = JSON.readTree(ok("image", "inspect", "busybox").out()).get(0);
      String imageId = image.get("Id").asText();
      String shortId = imageId.substring(7, 19);
      assertEquals(1, ok("images", "-q").out().lines().filter(shortId::equals).count(), "one id per image");
      assertTrue(image.get("RepoTags").toString().contains("busybox:latest")
          && image.get("RepoTags").toString().contains("ux-again:1"), image.toString());
      assertEquals("layers", image.get("RootFS").get("Type").asText());
      assertEquals("linux", ok("image", "inspect", "-f", "{{.Os}}", "busybox").out().strip());
      // inspect falls back to images, as docker does
      assertEquals(imageId + "\n", ok("inspect", "-f", "{{.Id}}", "ux-again:1").out());
      Result neither = berthctl("inspect", "ux-nothing");
      assertEquals(1, neither.exit(), neither::toString);
      assertEquals("Error: No such object: ux-nothing\n", neither.err());

      // run by id, short id and repository digest
      for (String ref : List.of(imageId, shortId, "busybox@" + imageId)) {
        assertEquals("by-ref\n", ok("run", "--rm", ref, "echo", "by-ref").out(), ref);
      }

      String info = ok("info").out();
      for (String expected : List.of(" Containers: ", "  Running: ", "  Paused: 0", "  Stopped: ", " Images: ",
          " Storage Driver: overlayfs", " Cgroup Driver: cgroupfs", " Cgroup Version: ", " Runtimes: ",
          " Kernel Version: ", " Operating System: ", " CPUs: ", " Total Memory: ", " Server Version: ",
          " Berth Root Dir: " + berthd.work().resolve("root"), " Swarm: inactive", " Logging Driver: json-file",
          " Live Restore Enabled: true")) {
        assertTrue(info.contains(expected), expected + " in\n" + info);
      }
      String counts = ok("info", "--format", "{{.ContainersRunning}} {{.Driver}} {{.NCPU}}").out();
      assertTrue(counts.matches("[1-9]\\d* overlayfs [1-9]\\d*\n"), counts);
      // what scripts ask before they go on, as they ask Docker
      assertEquals("inactive json-file [name=seccomp,profile=builtin] [local] true\n", ok("info", "--format",
          "{{.Swarm.LocalNodeState}} {{.LoggingDriver}} {{.SecurityOptions}} {{.Plugins.Volume}} {{.LiveRestoreEnabled}}")
          .out());
    } finally {
      berthctl("rm", "-f", "ux-insp");
      berthctl("rmi", "ux-again:1");
    }
  }

  private static long capEff(String... runArgs) throws Exception {
    List<String> args = new ArrayList<>(List.of("run", "--rm"));
    args.addAll(List.of(runArgs));
    args.addAll(List.of("busybox", "cat", "/proc/self/status"));
    String status = ok(args.toArray(String[]::new)).out();
    String hex = status.lines().filter(l -> l.startsWith("CapEff:")).findFirst().orElseThrow().split("\\s+")[1];
    return Long.parseUnsignedLong(hex, 16);
  }

  @Test
  void privilegeCapabilitiesUlimitsShmAndTheHostGateway() throws Exception {
    long defaults = capEff();
    long netAdmin = 1L << 12;
    long mknod = 1L << 27;
    assertEquals(0, defaults & netAdmin);
    assertEquals(defaults | netAdmin, capEff("--cap-add", "NET_ADMIN"));
    assertEquals(defaults & ~mknod, capEff("--cap-drop", "mknod"));
    assertEquals(0, capEff("--cap-drop", "ALL"));
    assertEquals(netAdmin, capEff("--cap-drop", "ALL", "--cap-add", "CAP_NET_ADMIN"));
    // every capability this host's processes may hold: the bounding set, as Docker takes its own
    String ours = Files.readString(Path.of("/proc/self/status")).lines().filter(l -> l.startsWith("CapBnd:"))
        .findFirst().orElseThrow().split("\\s+")[1];
    long all = capEff("--privileged");
    assertEquals(Long.parseUnsignedLong(ours, 16) & ((1L << 41) - 1), all, Long.toHexString(all));
    assertTrue(Long.bitCount(all) >= 30, Long.toHexString(all));
    String mounts = ok("run", "--rm", "--privileged", "busybox", "cat", "/proc/mounts").out();
    assertTrue(mounts.lines().anyMatch(l -> l.startsWith("sysfs /sys sysfs rw")), mounts);
    assertTrue(ok("run", "--rm", "--privileged", "busybox", "ls", "/dev").out().lines().count()
        > ok("run", "--rm", "busybox", "ls", "/dev").out().lines().count(), "the host's devices");
    Result unknownCap = berthctl("run", "--rm", "--cap-add", "FLY", "busybox", "true");
    assertEquals(125, unknownCap.exit(), unknownCap::toString);

    assertEquals("512\n1024\n", ok("run", "--rm", "--ulimit", "nofile=512:1024", "busybox", "sh", "-c",
        "ulimit -n; ulimit -Hn").out());
    assertTrue(ok("run", "--rm", "--shm-size", "128m", "busybox", "cat", "/proc/mounts").out().lines()
        .anyMatch(l -> l.startsWith("shm /dev/shm tmpfs") && l.contains("size=131072k")));
    String hosts = ok("run", "--rm", "--add-host", "gw.internal:host-gateway", "busybox", "cat", "/etc/hosts").out();
    assertTrue(hosts.contains("10.88.0.1\tgw.internal"), hosts);
    ok("create", "--name", "ux-hc", "--privileged", "--cap-add", "NET_ADMIN", "--ulimit", "nproc=64", "--shm-size", "1g",
        "busybox", "true");
    JsonNode host;
    try {
      host = JSON.readTree(ok("inspect", "-f", "{{json .HostConfig}}", "ux-hc").out());
    } finally {
      berthctl("rm", "ux-hc");
    }
    assertTrue(host.get("Privileged").asBoolean(), host.toString());
    assertEquals("[\"NET_ADMIN\"]", host.get("CapAdd").toString());
    assertEquals(1L << 30, host.get("ShmSize").asLong());
    assertEquals("nproc", host.get("Ulimits").get(0).get("Name").asText());
  }

  @Test
  void emptyVolumesAreSeededFromTheImageWithItsOwnersOnce() throws Exception {
    try {
      // a named volume: the image's files, owners and modes, then writable by the image's user
      String first = ok("run", "--rm", "-v", "ux-seed:/data", SEEDED_IMAGE, "sh", "-c",
          "cat /data/seed.txt && id -u && echo mine > /data/written && ls -lnd /data /data/seed.txt /data/sub").out();
      assertTrue(first.startsWith("from the image\n1000\n"), first);
      assertTrue(first.lines().anyMatch(l -> l.matches("drwxr-x---\\s+\\d+\\s+1000\\s+1000\\s.*/data")), first);
      assertTrue(first.lines().anyMatch(l -> l.matches("-rw-r-----\\s+\\d+\\s+1000\\s+1000\\s.*/data/seed.txt")), first);
      assertTrue(first.lines().anyMatch(l -> l.matches("drwx------\\s+\\d+\\s+1000\\s+1000\\s.*/data/sub")), first);
      // no second seeding into a volume that holds data: what was removed stays removed
      ok("run", "--rm", "-v", "ux-seed:/data", SEEDED_IMAGE, "/bin/busybox", "rm", "/data/seed.txt");
      assertEquals("written\n", ok("run", "--rm", "-v", "ux-seed:/data", SEEDED_IMAGE, "ls", "/data").out()
          .replace("sub\n", ""));
      // the image's VOLUME makes an anonymous volume, seeded the same way
      assertEquals("from the image\nok\n", ok("run", "--rm", SEEDED_IMAGE, "sh", "-c",
          "cat /data/seed.txt && : > /data/new && echo ok").out());
      // nocopy keeps a new volume empty, as in Docker
      assertEquals("", ok("run", "--rm", "-v", "ux-nocopy:/data:nocopy", SEEDED_IMAGE, "ls", "/data").out());
      // a volume of another image's path stays empty, and a bind mount is never seeded
      assertEquals("", ok("run", "--rm", "-v", "ux-other:/nothing-here", "busybox", "ls", "/nothing-here").out());
      Path bind = Files.createDirectories(berthd.work().resolve("ux-bind"));
      ok("run", "--rm", "-v", bind + ":/data", SEEDED_IMAGE, "true");
      assertFalse(Files.exists(bind.resolve("seed.txt")));
    } finally {
      berthctl("volume", "rm", "ux-seed", "ux-other", "ux-nocopy");
    }
  }
}
