package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import containerd.services.containers.v1.Container;
import containerd.services.containers.v1.ContainersGrpc;
import containerd.services.containers.v1.DeleteContainerRequest;
import containerd.services.tasks.v1.TasksGrpc;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.NoSuchObjectException;
import dev.berth.client.containers.ContainerClient;
import dev.berth.client.containers.ContainerCreator;
import dev.berth.client.containers.ContainerState;
import dev.berth.client.containers.ContainerTasks;
import dev.berth.client.images.Platform;
import dev.berth.client.spec.BlockIoFlags;
import dev.berth.client.spec.SwapLimit;
import dev.berth.client.system.DiskUsage;
import dev.berth.ctl.container.InspectCommand;
import dev.berth.ctl.output.Output;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.MethodDescriptor;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The docker-style workflow through berthctl's command line against a whole berthd in the test
 * JVM, as root on the real kernel: busybox containers run by runc under conmon.
 */
class ContainerWorkflowKernelTest extends BerthdKernelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** What Docker's run prints after a failure before its container exists. */
  private static final String RUN_HELP = "\nSee 'berthctl run --help'.\n";

  @TempDir
  Path tmp;

  private static List<String> containerIds() {
    return new ContainerClient(berthd.channel()).list().stream().map(c -> c.getId()).toList();
  }

  /**
   * None of the snapshots there are now is new: what the test made is gone. Fewer than before is
   * no failure, as the background garbage collection may take what an earlier test left meanwhile.
   */
  private static void assertNoSnapshotLeft(List<String> before) {
    List<String> left = new ArrayList<>(berthd.snapshotKeys());
    left.removeAll(before);
    assertEquals(List.of(), left, "snapshots left behind");
  }

  @Test
  void runRemovePrintsOutputAndLeavesNothing() {
    List<String> snapshotsBefore = berthd.snapshotKeys();
    Cli.Result r = ok("run", "--rm", "busybox", "echo", "hello");
    assertEquals("hello\n", r.out());
    String foreign = berthd.ctl("run", "--rm", "--pull", "never", "--platform", "linux/s390x", "busybox", "true")
        .stderr();
    assertTrue(foreign.contains("linux/s390x") && (foreign.contains("does not match the specified platform")
        || foreign.contains("does not emulate")), foreign);
    assertEquals(List.of(), containerIds());
    assertNoSnapshotLeft(snapshotsBefore);
    // this host's own platform, named, runs as without the flag
    Cli.Result own = berthd.ctl("run", "--rm", "--platform", Platform.current().toString(), "busybox", "echo", "ok");
    assertEquals("ok\n", own.out(), own::toString);
  }

  /** Waits for berthd to have removed every container. */
  private static void awaitNoContainers() throws InterruptedException {
    for (int i = 0; i < 100 && !containerIds().isEmpty(); i++) {
      Thread.sleep(100);
    }
    assertEquals(List.of(), containerIds());
  }

  @Test
  void detachedRunRemoveIsRemovedByBerthdOnceItEnds() throws Exception {
    List<String> snapshotsBefore = berthd.snapshotKeys();
    String id = ok("run", "-d", "--rm", "--name", "brief", "busybox", "sh", "-c", "sleep 0.5").out().strip();
    assertTrue(id.matches("[0-9a-f]{64}"), id);
    assertTrue(JSON.readTree(ok("inspect", "brief").stdout()).get(0).get("HostConfig").get("AutoRemove").asBoolean());
    awaitNoContainers();
    assertNoSnapshotLeft(snapshotsBefore);

    ok("run", "-d", "--rm", "--name", "server", "busybox", "sleep", "1000");
    ok("stop", "-t", "0", "server");
    awaitNoContainers();

    Cli.Result missing = berthd.ctl("run", "-d", "--rm", "busybox", "/no/such/command");
    assertEquals(127, missing.exit(), missing::toString);
    assertEquals(List.of(), containerIds(), "a container that could not start is removed at once");
    assertNoSnapshotLeft(snapshotsBefore);

    // made for an attached start, it is berthd's to remove once a start leaves it detached
    ok("create", "--rm", "--name", "later", "busybox", "true");
    assertEquals("attached", JSON.readTree(ok("container", "records", "--format", "json").stdout()).get(0)
        .get("labels").get("io.berth.auto-remove").asText(), "removed by berthd only if its attached client goes");
    ok("start", "later");
    awaitNoContainers();

    Cli.Result conflict = berthd.ctl("run", "-d", "--rm", "--restart", "always", "busybox", "true");
    assertEquals(125, conflict.exit());
    assertEquals("berthctl: Conflicting options: --restart and --rm." + RUN_HELP, conflict.stderr());
  }

  @Test
  void restartKeepsADetachedRemoveContainer() throws Exception {
    ok("run", "-d", "--rm", "--name", "kept", "busybox", "sleep", "1000");
    ok("restart", "-t", "0", "kept");
    Thread.sleep(1000);
    JsonNode state = JSON.readTree(ok("inspect", "kept").stdout()).get(0).get("State");
    assertEquals("running", state.get("Status").asText());
    ok("stop", "-t", "0", "kept");
    awaitNoContainers();
  }

  @Test
  void attachedRunExitsWithTheContainersCodeAndSeparatesStderr() {
    Cli.Result r = berthd.ctl("run", "--rm", "busybox", "sh", "-c", "echo out; echo err >&2; exit 3");
    assertEquals(3, r.exit(), r::toString);
    assertEquals("out\n", r.out());
    assertEquals("err\n", r.stderr());
  }

  @Test
  void aProcessThatEndsAtOnceFinishesAfterItStarted() throws Exception {
    ok("run", "-d", "--name", "instant-d", "busybox", "true");
    assertEquals("0\n", ok("wait", "instant-d").out());
    // stopped, it still lists its network, without an address, as Docker's does
    assertEquals("bridge=\n", ok("inspect", "-f",
        "{{range $name, $n := .NetworkSettings.Networks}}{{$name}}={{$n.IPAddress}}{{end}}", "instant-d").out());
    ok("run", "--name", "instant-a", "busybox", "true");
    for (String name : List.of("instant-d", "instant-a")) {
      JsonNode state = JSON.readTree(ok("inspect", name).stdout()).get(0).get("State");
      Instant started = Instant.parse(state.get("StartedAt").asText());
      Instant finished = Instant.parse(state.get("FinishedAt").asText());
      assertFalse(finished.isBefore(started), name + ": " + state);
      ok("rm", name);
    }
  }

  @Test
  void interactiveRunReadsStdin() {
    Cli.Result r = berthd.ctlWithInput("line one\nline two\n".getBytes(StandardCharsets.UTF_8),
        "run", "--rm", "-i", "busybox", "cat");
    assertEquals(0, r.exit(), r::toString);
    assertEquals("line one\nline two\n", r.out());
  }

  @Test
  void detachedContainerListedExecutedStoppedAndRemoved() throws Exception {
    String id = ok("run", "-d", "--name", "web", "--label", "team=web", "busybox", "sleep", "1000").out().strip();
    assertTrue(id.matches("[0-9a-f]{64}"), id);

    List<String> table = ok("ps").out().lines().toList();
    assertEquals(2, table.size(), table::toString);
    assertTrue(table.get(0).matches("CONTAINER ID\\s+IMAGE\\s+COMMAND\\s+CREATED\\s+STATUS\\s+PORTS\\s+NAMES"),
        table.get(0));
    String row = table.get(1);
    assertTrue(row.startsWith(id.substring(0, 12) + "   busybox   \"sleep 1000\"   "), row);
    assertTrue(row.matches(".*(Less than a second|\\d+ seconds?) ago\\s+Up (Less than a second|\\d+ seconds?)\\s+web"), row);

    assertEquals(id.substring(0, 12) + "\n", ok("ps", "-q", "--filter", "label=team=web").out());
    assertEquals("", ok("ps", "-q", "--filter", "label=team=db").out());
    assertEquals("", ok("ps", "-q", "--filter", "label=team=web", "--filter", "label=team=db").out(),
        "as Docker's, every label given must match");
    assertEquals(id.substring(0, 12) + "\n", ok("ps", "-q", "--filter", "label=team", "--filter", "label=team=web")
        .out());
    assertEquals("web web\n", ok("ps", "--format", "{{.Names}} {{.Label \"team\"}}").out());
    assertEquals(id + "\n", ok("ps", "-q", "--no-trunc", "--filter", "name=^we").out());
    assertEquals(id + "\n", ok("ps", "-q", "--no-trunc", "--filter", "name=^/web$").out(), "Docker's exact-name idiom");
    // as Docker's daemon: a name= that is no regular expression matches nothing, and is no error
    assertEquals("", ok("ps", "-aq", "--filter", "name=[").out());
    // docker's --format json: an object a line, keys sorted, as jq reads it
    List<String> lines = ok("ps", "--format", "json").out().lines().toList();
    assertEquals(1, lines.size(), lines::toString);
    JsonNode json = JSON.readTree(lines.get(0));
    assertEquals("web", json.get("Names").asText());
    assertEquals("running", json.get("State").asText());
    assertEquals(id.substring(0, 12), json.get("ID").asText());
    assertEquals("0B", json.get("Size").asText(), "as Docker's, which counts no sizes for json unless -s");
    assertTrue(lines.get(0).startsWith("{\"Command\":\"\\\"sleep 1000\\\"\",\"CreatedAt\":"), lines.get(0));

    assertEquals("hi\n", ok("exec", "web", "echo", "hi").out());
    assertEquals(4, berthd.ctl("exec", id.substring(0, 6), "sh", "-c", "exit 4").exit());
    // as Docker's exec --privileged: every capability the host's processes may hold, the container's own kept
    String bounding = Files.readString(Path.of("/proc/self/status")).lines().filter(l -> l.startsWith("CapBnd:"))
        .findFirst().orElseThrow().substring("CapBnd:".length()).strip();
    String capEff = "awk '/CapEff/ { print $2 }' /proc/self/status";
    assertEquals(bounding + "\n", ok("exec", "--privileged", "web", "sh", "-c", capEff).out());
    assertEquals("00000000a80425fb\n", ok("exec", "web", "sh", "-c", capEff).out());
    // Docker's exec: 126 for a command that cannot be started, found or not, the reason in
    // containerd's shim's words down the exec's output, as Docker's daemon writes it
    Cli.Result notFound = berthd.ctl("exec", "web", "no-such-command");
    assertEquals(126, notFound.exit(), notFound::toString);
    assertEquals("OCI runtime exec failed: exec failed: unable to start container process: exec: "
        + "\"no-such-command\": executable file not found in $PATH: unknown\r\n", notFound.out());
    assertEquals("", notFound.stderr());
    Cli.Result notExecutable = berthd.ctl("exec", "web", "/etc/passwd");
    assertEquals(126, notExecutable.exit(), notExecutable::toString);
    assertEquals("OCI runtime exec failed: exec failed: unable to start container process: exec: "
        + "\"/etc/passwd\": permission denied: unknown\r\n", notExecutable.out());
    // detached, Docker's daemon refuses the start itself: its CLI's line, exit 1
    Cli.Result detached = berthd.ctl("exec", "-d", "web", "no-such-command");
    assertEquals(1, detached.exit(), detached::toString);
    assertEquals("Error response from daemon: OCI runtime exec failed: exec failed: unable to start container "
        + "process: exec: \"no-such-command\": executable file not found in $PATH: unknown\n", detached.stderr());
    // as Docker's daemon gives a user: its own group first among the supplementary ones
    assertEquals("uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n",
        ok("exec", "-u", "nobody", "web", "id").out());
    Cli.Result noGroup = berthd.ctl("exec", "-u", "root:nosuchgroup", "web", "id");
    assertEquals(126, noGroup.exit(), noGroup::toString);
    assertEquals("unable to find group nosuchgroup: no matching entries in group file\r\n", noGroup.out());
    assertEquals("b\n", ok("exec", "-e", "A=b", "-w", "/tmp", "web", "sh", "-c", "echo $A; test $PWD = /tmp").out());

    long started = System.nanoTime();
    assertEquals("web\n", ok("stop", "-t", "1", "web").out());
    // sleep is PID 1, which ignores SIGTERM: stop escalates to SIGKILL after the second
    assertTrue(System.nanoTime() - started >= 900_000_000L);
    assertEquals("", ok("ps", "-q").out());
    String stopped = ok("ps", "-a").out().lines().toList().get(1);
    assertTrue(stopped.matches(".*Exited \\(137\\) (Less than a second|\\d+ seconds?) ago\\s+web"), stopped);
    // as Docker's daemon: status= implies -a, exited= does not
    assertEquals(id.substring(0, 12) + "\n", ok("ps", "-q", "-f", "status=exited").out(), "status= implies -a");
    assertEquals("", ok("ps", "-q", "-f", "status=running").out());
    assertEquals("", ok("ps", "-q", "-f", "exited=137").out(), "exited= without -a: running containers only");
    assertEquals(id.substring(0, 12) + "\n", ok("ps", "-aq", "-f", "exited=137").out());
    assertEquals("", ok("ps", "-aq", "-f", "exited=0").out());
    assertEquals(id.substring(0, 12) + "\n", ok("ps", "-aq", "-f", "ancestor=busybox").out());
    assertEquals(id.substring(0, 12) + "\n", ok("ps", "-aq", "-f", "ancestor=docker.io/library/busybox:latest").out());
    assertEquals("", ok("ps", "-aq", "-f", "ancestor=busybox:1.0").out());
    assertEquals("", ok("ps", "-aq", "-f", "ancestor=alpine").out());
    assertEquals(1, berthd.ctl("ps", "-a", "-f", "exited=x").exit());
    assertEquals(ContainerLabels.STOPPED, new ContainerClient(berthd.channel()).get(id).getLabelsMap()
        .get(ContainerLabels.RESTART_STATUS));

    assertEquals("web\n", ok("rm", "web").out());
    assertEquals(List.of(), containerIds());
    Cli.Result gone = berthd.ctl("rm", "web");
    assertEquals(1, gone.exit());
    assertEquals("Error response from daemon: No such container: web\n", gone.stderr());
  }

  @Test
  void aContainerKeepsItsImageByIdAfterTheNameItWasCreatedThroughIsUntagged() throws Exception {
    String imageId = ok("image", "inspect", "-f", "{{.Id}}", "busybox").out().strip();
    String hex = imageId.substring("sha256:".length());
    ok("tag", "busybox", "bx:1");
    try {
      String id = ok("create", "--name", "by-bx", "bx:1", "true").out().strip();
      assertEquals("bx:1\n", ok("ps", "-a", "-f", "name=by-bx", "--format", "{{.Image}}").out());
      assertEquals("Untagged: bx:1\n", ok("rmi", "bx:1").out(), "busybox still holds the image");
      // as Docker's ps: the name no longer is its image, so the image's id
      assertEquals(hex.substring(0, 12) + "\n", ok("ps", "-a", "-f", "name=by-bx", "--format", "{{.Image}}").out());
      assertEquals(imageId + "\n", ok("ps", "-a", "--no-trunc", "-f", "name=by-bx", "--format", "{{.Image}}").out());

      // busybox is now the last name of an image by-bx uses: refused as Docker refuses it
      Cli.Result refused = berthd.ctl("rmi", "busybox");
      assertEquals(1, refused.exit(), refused::toString);
      assertEquals("Error response from daemon: conflict: unable to remove repository reference \"busybox\" (must "
          + "force) - container " + id.substring(0, 12) + " is using its referenced image " + hex.substring(0, 12)
          + "\n", refused.stderr());

      // ancestor= is the image, however it is named now
      for (String ancestor : List.of(hex.substring(0, 12), hex, imageId, "busybox", "busybox:latest")) {
        assertEquals(id.substring(0, 12) + "\n", ok("ps", "-aq", "-f", "ancestor=" + ancestor).out(), ancestor);
      }
      assertEquals("", ok("ps", "-aq", "-f", "ancestor=bx:1").out(), "a name no image has");
      assertEquals("", ok("ps", "-aq", "-f", "ancestor=0000000000ff").out(), "an id no image has");

      // commit finds the image by id too
      ok("commit", "by-bx", "bx-committed:1");
      ok("rmi", "bx-committed:1");
    } finally {
      berthd.ctl("rmi", "bx:1");
    }
  }

  @Test
  void forcedRmiOfARunningContainersImageKeepsItByDigestAndByIdIsRefused() throws Exception {
    String imageId = ok("image", "inspect", "-f", "{{.Id}}", "busybox").out().strip();
    String hex = imageId.substring("sha256:".length());
    ok("tag", "busybox", "keep:1");
    ok("rmi", "busybox");
    try {
      String id = ok("run", "-d", "--name", "ci", "keep:1", "sleep", "1000").out().strip();
      // as Docker: a running container's image cannot be deleted by id, even forced
      for (List<String> rmi : List.of(List.of("rmi", hex.substring(0, 12)), List.of("rmi", "-f", imageId))) {
        Cli.Result refused = berthd.ctl(rmi.toArray(String[]::new));
        assertEquals(1, refused.exit(), refused::toString);
        assertEquals("Error response from daemon: conflict: unable to delete " + hex.substring(0, 12)
            + " (cannot be forced) - image is"
            + " being used by running container " + id.substring(0, 12) + "\n", refused.stderr());
      }
      // by name it is untagged only: the image stays, known by digest, for the container
      assertEquals("Untagged: keep:1\n", ok("rmi", "-f", "keep:1").out());
      ok("system", "prune", "-f");
      assertEquals(imageId + "\n", ok("image", "inspect", "-f", "{{.Id}}", imageId).out());
      assertEquals(imageId + "\n", ok("inspect", "-f", "{{.Image}}", "ci").out());
      // kept as Docker 27's containerd image store keeps it (softImageDelete): moby-dangling@sha256:…
      assertTrue(ok("images", "--format", "{{.Repository}} {{.Tag}} {{.ID}}").out().lines()
          .anyMatch(("<none> <none> " + hex.substring(0, 12))::equals), "listed as Docker lists a dangling image");
      assertTrue(ok("system", "df", "-v").out().lines().anyMatch(l -> l.matches("<none>\\s+<none>\\s+"
          + hex.substring(0, 12) + "\\s+.*")), "and so in system df -v");
      ok("commit", "ci", "kept:1");
      assertEquals("ok\n", ok("run", "--rm", "kept:1", "echo", "ok").out());
      ok("rmi", "kept:1");
      ok("rm", "-f", "ci");
      ok("tag", imageId, "busybox");
      assertFalse(ok("images", "-q", "--filter", "dangling=true").out().contains(hex.substring(0, 12)),
          "a tag names the image again and ends its dangling record");
    } finally {
      berthd.ctl("rm", "-f", "ci");
      berthd.ctl("tag", imageId, "busybox");
      berthd.ctl("rmi", "keep:1", "kept:1");
    }
  }

  @Test
  void whatForcedRmiKeepsForAContainerIsDanglingAndPrunedOnceNoContainerUsesIt() {
    String imageId = ok("image", "inspect", "-f", "{{.Id}}", "busybox").out().strip();
    ok("tag", "busybox", "dg:1");
    ok("rmi", "busybox");
    try {
      ok("run", "-d", "--name", "dg", "dg:1", "sleep", "1000");
      ok("rmi", "-f", "dg:1");
      String[] listed = {"images", "--format", "{{.Repository}} {{.Tag}}", "--filter"};
      assertEquals("<none> <none>\n", ok(args(listed, "dangling=true")).out());
      assertEquals("", ok(args(listed, "dangling=false")).out());
      // as Docker's: a dangling image a container uses is no prune's to take
      assertEquals("Total reclaimed space: 0B\n", ok("image", "prune", "-f").out());
      assertEquals(imageId + "\n", ok("image", "inspect", "-f", "{{.Id}}", imageId).out());
      ok("rm", "-f", "dg");
      ok("tag", imageId, "busybox");
      assertEquals("busybox latest\n", ok(args(listed, "dangling=false")).out());
      // the tag named the image again, which ends its dangling record, as Docker's image store does
      assertEquals("", ok(args(listed, "dangling=true")).out());
    } finally {
      berthd.ctl("rm", "-f", "dg");
      berthd.ctl("tag", imageId, "busybox");
      berthd.ctl("rmi", "dg:1");
    }
  }

  private static String[] args(String[] head, String last) {
    String[] all = Arrays.copyOf(head, head.length + 1);
    all[head.length] = last;
    return all;
  }

  /** This JVM's (so berthd's) hard limit of a /proc/self/limits row, like "Max open files". */
  private static String ownHardLimit(String row) throws Exception {
    return Files.readAllLines(Path.of("/proc/self/limits")).stream().filter(l -> l.startsWith(row + " "))
        .map(l -> l.substring(row.length()).trim().split("\\s+")[1]).findFirst().orElseThrow();
  }

  @Test
  void ulimitsAboveBerthdsOwnAreRefusedAndMinusOneIsUnlimited() throws Exception {
    Assumptions.assumeTrue(ownHardLimit("Max core file size").equals("unlimited"), "berthd may raise core to unlimited");
    assertEquals("unlimited\nunlimited\n",
        ok("run", "--rm", "--ulimit", "core=-1", "busybox", "sh", "-c", "ulimit -c; ulimit -Hc").out());
    ok("create", "--name", "core", "--ulimit", "core=-1", "busybox", "true");
    JsonNode core = JSON.readTree(ok("inspect", "core").stdout()).get(0).at("/HostConfig/Ulimits/0");
    assertEquals("{\"Name\":\"core\",\"Hard\":-1,\"Soft\":-1}", core.toString(), "as Docker shows it");

    // without CAP_SYS_RESOURCE the runtime cannot raise a hard limit: refused, naming it, not lowered
    String nofile = ownHardLimit("Max open files");
    long above = Long.parseLong(nofile) + 1;
    for (String ulimit : List.of("nofile=" + above, "nofile=1024:" + above, "nofile=-1:-1")) {
      Cli.Result r = berthd.ctl("run", "--rm", "--ulimit", ulimit, "busybox", "true");
      assertEquals(125, r.exit(), () -> ulimit + ": " + r);
      String hard = ulimit.endsWith("-1") ? "unlimited" : Long.toString(above);
      assertTrue(r.stderr().contains("ulimit nofile: hard limit " + hard + " is above berthd's own (" + nofile + ")"),
          () -> ulimit + ": " + r);
      assertEquals(List.of("core"), ok("ps", "-a", "--format", "{{.Names}}").out().lines().toList(),
          "the refused container is removed");
    }
  }

  @Test
  void ipcNoneIsAPrivateNamespaceWithoutDevShm() throws Exception {
    String hostIpc = Files.readSymbolicLink(Path.of("/proc/self/ns/ipc")).toString();
    // the namespace, then the file system type of each mount on /dev/shm
    String shm = "readlink /proc/self/ns/ipc; awk '$2 == \"/dev/shm\" {print $3}' /proc/mounts";
    List<String> none = ok("run", "--rm", "--ipc", "none", "busybox", "sh", "-c", shm).out().lines().toList();
    assertTrue(!none.get(0).equals(hostIpc), none::toString);
    assertEquals(1, none.size(), () -> "as Docker's --ipc none, no /dev/shm: " + none);
    for (String own : List.of("private", "shareable")) {
      List<String> lines = ok("run", "--rm", "--ipc", own, "busybox", "sh", "-c", shm).out().lines().toList();
      assertEquals(List.of("tmpfs"), lines.subList(1, lines.size()), own);
    }
    ok("create", "--name", "no-ipc", "--ipc", "none", "busybox", "true");
    assertEquals("none\n", ok("inspect", "-f", "{{.HostConfig.IpcMode}}", "no-ipc").out());
  }

  @Test
  void pidContainerJoinsTheDonorsCurrentNamespaceAtEachStartAsDockers() throws Exception {
    String donor = ok("run", "-d", "--name", "pid-donor", "busybox", "sleep", "1000").out().strip();
    try {
      assertTrue(ok("run", "--rm", "--pid", "container:pid-donor", "busybox", "ps").out()
          .contains("    1 root     sleep 1000"), "the donor's process is PID 1");
      ok("create", "--name", "pid-guest", "--pid", "container:pid-donor", "busybox", "busybox", "readlink", "/proc/self/ns/pid");
      // as Docker's daemon records it, by id, so a rename keeps the two together
      assertEquals("container:" + donor + "\n", ok("inspect", "-f", "{{.HostConfig.PidMode}}", "pid-guest").out());
      ok("rename", "pid-donor", "pid-donor2");
      ok("restart", "-t", "0", "pid-donor2");
      // the namespace of the donor's new process, not of the one running at the guest's create
      assertEquals(pidNamespace(donor), ok("start", "-a", "pid-guest").out().strip());

      ok("stop", "-t", "0", "pid-donor2");
      Cli.Result stopped = berthd.ctl("start", "-a", "pid-guest");
      assertEquals(1, stopped.exit(), stopped::toString);
      assertTrue(stopped.stderr().startsWith("Error response from daemon: failed to join PID namespace: container "
          + donor + " is not running\n"), stopped.stderr());
      // Docker's daemon lets the donor go; the guest's next start finds none
      ok("rm", "pid-donor2");
      Cli.Result removed = berthd.ctl("start", "pid-guest");
      assertTrue(removed.stderr().startsWith("Error response from daemon: failed to join PID namespace: No such container: "
          + donor + "\n"), removed.stderr());
      Cli.Result absent = berthd.ctl("run", "--rm", "--pid", "container:no-such-donor", "busybox", "true");
      assertTrue(absent.stderr().contains("failed to join PID namespace: No such container: no-such-donor"),
          absent::toString);
      Cli.Result empty = berthd.ctl("run", "--rm", "--pid", "container:", "busybox", "true");
      assertEquals(125, empty.exit(), empty::toString);
      assertTrue(empty.stderr().contains("--pid: invalid PID mode"), empty.stderr());
    } finally {
      berthd.ctl("rm", "-f", "pid-guest", "pid-donor", "pid-donor2");
    }
  }

  @Test
  void ipcContainerSharesTheShareableDonorsSegmentsAndDevShmAtEachStartAsDockers() throws Exception {
    String donor = ok("run", "-d", "--name", "ipc-donor", "--ipc", "shareable", "busybox", "sleep", "1000").out().strip();
    try {
      ok("exec", "ipc-donor", "sh", "-c", "echo first > /dev/shm/first");
      // busybox has no ipcmk: the host's makes the segment in the donor's namespace
      String segment = nsenterIpc(donor, "ipcmk", "-M", "4096").replaceAll("\\D", "");
      String shared = ok("run", "--rm", "--ipc", "container:ipc-donor", "busybox", "sh", "-c",
          "awk 'NR > 1 {print $2}' /proc/sysvipc/shm; cat /dev/shm/first").out();
      assertEquals(segment + "\nfirst\n", shared);

      ok("create", "--name", "ipc-guest", "--ipc", "container:ipc-donor", "busybox", "sh", "-c",
          "readlink /proc/self/ns/ipc; ls /dev/shm");
      // as Docker's daemon records it, by id, so a rename keeps the two together
      assertEquals("container:" + donor + "\n", ok("inspect", "-f", "{{.HostConfig.IpcMode}}", "ipc-guest").out());
      assertEquals("shareable\n", ok("inspect", "-f", "{{.HostConfig.IpcMode}}", "ipc-donor").out());
      ok("rename", "ipc-donor", "ipc-donor2");
      ok("restart", "-t", "0", "ipc-donor2");
      ok("exec", "ipc-donor2", "sh", "-c", "echo second > /dev/shm/second");
      // the donor's new namespace and /dev/shm, not those of the process running at the guest's create
      assertEquals(namespace(donor, "ipc") + "\nsecond\n", ok("start", "-a", "ipc-guest").out());

      // as Docker's daemon, the donor may go while a guest runs, which keeps what it shares
      ok("run", "-d", "--name", "ipc-running", "--ipc", "container:ipc-donor2", "busybox", "sleep", "1000");
      assertTrue(sharedShmMounted(donor), "the donor's shareable /dev/shm is a tmpfs in its bundle");
      ok("stop", "-t", "0", "ipc-donor2");
      assertFalse(sharedShmMounted(donor), "unmounted as the donor stopped, as Docker's, not when its task goes");
      assertEquals("second\n", ok("exec", "ipc-running", "cat", "/dev/shm/second").out());
      Cli.Result stopped = berthd.ctl("start", "-a", "ipc-guest");
      assertEquals(1, stopped.exit(), stopped::toString);
      assertTrue(stopped.stderr().startsWith("Error response from daemon: failed to join IPC namespace: container "
          + donor + " is not running"), stopped.stderr());
      ok("rm", "ipc-donor2");
      assertEquals("second\n", ok("exec", "ipc-running", "cat", "/dev/shm/second").out());
      Cli.Result removed = berthd.ctl("start", "ipc-guest");
      assertTrue(removed.stderr().startsWith("Error response from daemon: failed to join IPC namespace: No such container: "
          + donor), removed.stderr());
    } finally {
      berthd.ctl("rm", "-f", "ipc-running", "ipc-guest", "ipc-donor", "ipc-donor2");
    }
  }

  @Test
  void ipcContainerRefusesAPrivateDonorAsDockers() throws Exception {
    String donor = ok("run", "-d", "--name", "ipc-private", "busybox", "sleep", "1000").out().strip();
    try {
      Cli.Result refused = berthd.ctl("run", "--rm", "--ipc", "container:ipc-private", "busybox", "true");
      assertEquals(125, refused.exit(), refused::toString);
      assertTrue(refused.stderr().contains("failed to join IPC namespace: container " + donor
          + ": non-shareable IPC (hint: use IpcMode:shareable for the donor container)"), refused.stderr());
      Cli.Result absent = berthd.ctl("run", "--rm", "--ipc", "container:no-such-donor", "busybox", "true");
      assertTrue(absent.stderr().contains("failed to join IPC namespace: No such container: no-such-donor"),
          absent::toString);
    } finally {
      berthd.ctl("rm", "-f", "ipc-private");
    }
  }

  @Test
  void pidContainerWhoseDonorStoppedIsLeftStoppedAfterItsFirstFailedRestartAsDockers() throws Exception {
    String host = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString();
    String donor = ok("run", "-d", "--name", "pid-donor-r", "busybox", "sleep", "1000").out().strip();
    try {
      ok("run", "-d", "--name", "pid-guest-r", "--restart", "always", "--pid", "container:pid-donor-r",
          "busybox", "sleep", "1000");
      String first = pidNamespace(donor);
      assertEquals(first, pidNamespace("pid-guest-r"));
      // the guest dies with the donor's namespace; its restarts, refused while the donor is stopped,
      // must never put it anywhere else, such as in the host's namespace by a reused process id
      ok("stop", "-t", "0", "pid-donor-r");
      Instant until = Instant.now().plusSeconds(5);
      while (Instant.now().isBefore(until)) {
        String guest = pidNamespace("pid-guest-r");
        assertFalse(guest.equals(host), "the guest runs in the host's PID namespace");
        assertTrue(guest.isEmpty() || guest.equals(first), () -> "the guest runs in " + guest + " while its donor is stopped");
        Thread.sleep(100);
      }
      // as Docker's daemon, the first failed restart leaves it stopped, with why, and the count
      JsonNode state = null;
      for (Instant end = Instant.now().plusSeconds(40); Instant.now().isBefore(end); Thread.sleep(200)) {
        state = JSON.readTree(ok("inspect", "pid-guest-r").stdout()).get(0).get("State");
        if (state.get("Status").asText().equals("exited")) {
          break;
        }
      }
      assertEquals("exited", state.get("Status").asText(), String.valueOf(state));
      assertEquals("failed to join PID namespace: container " + donor + " is not running", state.get("Error").asText());
      assertEquals(137, state.get("ExitCode").asInt());
      assertEquals(1, JSON.readTree(ok("inspect", "pid-guest-r").stdout()).get(0).get("RestartCount").asInt());
      // nothing tries again once the donor runs; a start joins the donor's new namespace
      ok("start", "pid-donor-r");
      Thread.sleep(3000);
      assertEquals("exited", ok("inspect", "-f", "{{.State.Status}}", "pid-guest-r").out().strip());
      ok("start", "pid-guest-r");
      assertEquals(pidNamespace(donor), pidNamespace("pid-guest-r"));
      assertEquals("", ok("inspect", "-f", "{{.State.Error}}", "pid-guest-r").out().strip());
    } finally {
      berthd.ctl("rm", "-f", "pid-guest-r", "pid-donor-r");
    }
  }

  @Test
  void pidContainerJoinersOtherProcessesEndWithItsInitAsDockers() throws Exception {
    ok("run", "-d", "--name", "pid-donor-k", "busybox", "sleep", "1000");
    try {
      // the namespace outlives the joiner's init: its other processes end only because they are killed
      ok("run", "-d", "--name", "pid-guest-k", "--pid", "container:pid-donor-k", "busybox", "sh", "-c",
          "sleep 4321 & sleep 1");
      assertEquals("0\n", ok("wait", "pid-guest-k").out());
      assertProcessGone("sleep 4321");
    } finally {
      berthd.ctl("rm", "-f", "pid-guest-k", "pid-donor-k");
    }
  }

  @Test
  void pidHostContainersOtherProcessesEndWithItsInitAsDockers() throws Exception {
    ok("run", "-d", "--name", "pid-host-k", "--pid", "host", "busybox", "sh", "-c", "sleep 4322 & sleep 1");
    try {
      assertEquals("0\n", ok("wait", "pid-host-k").out());
      assertProcessGone("sleep 4322");
    } finally {
      berthd.ctl("rm", "-f", "pid-host-k");
    }
  }

  /** No process of the host runs {@code command} (a killed one not yet reaped has no command line left) after a short grace. */
  /** Whether berthd has a /dev/shm mounted in the bundle of the container (its shareable tmpfs or a guest's bind). */
  private static boolean sharedShmMounted(String id) throws Exception {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .map(line -> line.split(" ")[4]).anyMatch(point -> point.endsWith("/" + id + "/shm"));
  }

  private static void assertProcessGone(String command) throws Exception {
    List<String> left = List.of();
    for (Instant end = Instant.now().plusSeconds(1); Instant.now().isBefore(end); Thread.sleep(50)) {
      left = new ArrayList<>();
      try (var procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
        for (Path proc : procs) {
          try {
            if (new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                .replace('\0', ' ').strip().equals(command)) {
              left.add(proc.getFileName().toString());
            }
          } catch (java.io.IOException e) {
            // ended while listed
          }
        }
      }
      if (left.isEmpty()) {
        return;
      }
    }
    assertEquals(List.of(), left, "processes still running " + command);
  }

  /** The {@code type} namespace of the container's running process as the host reads it. */
  private String namespace(String container, String type) throws Exception {
    String pid = ok("inspect", "-f", "{{.State.Pid}}", container).out().strip();
    return Files.readSymbolicLink(Path.of("/proc", pid, "ns", type)).toString();
  }

  /** Runs a host command in the IPC namespace of the container's running process; its output. */
  private String nsenterIpc(String container, String... command) throws Exception {
    String pid = ok("inspect", "-f", "{{.State.Pid}}", container).out().strip();
    List<String> args = new ArrayList<>(List.of("nsenter", "--ipc=/proc/" + pid + "/ns/ipc"));
    args.addAll(List.of(command));
    Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), out);
    return out;
  }

  /** The PID namespace of the container's running process as the host reads it, empty when it runs none. */
  private String pidNamespace(String container) throws Exception {
    String pid = ok("inspect", "-f", "{{.State.Pid}}", container).out().strip();
    if (pid.equals("0")) {
      return "";
    }
    try {
      return Files.readSymbolicLink(Path.of("/proc", pid, "ns", "pid")).toString();
    } catch (NoSuchFileException e) {
      return "";
    }
  }

  @Test
  void isolationFlagsShareHostNamespacesAndSetSeccompSysctlsGroupsAndDevices() throws Exception {
    String status = "while read k v; do case $k in NoNewPrivs:|Seccomp:) printf '%s ' $v;; esac; done < /proc/self/status; echo";
    assertEquals("0 2 \n", ok("run", "--rm", "busybox", "sh", "-c", status).out(), "Docker's default seccomp profile");
    assertEquals("0 0 \n", ok("run", "--rm", "--security-opt", "seccomp=unconfined", "busybox", "sh", "-c", status).out());
    assertEquals("1 2 \n", ok("run", "--rm", "--security-opt", "no-new-privileges", "busybox", "sh", "-c", status).out());
    assertEquals("0 0 \n", ok("run", "--rm", "--privileged", "busybox", "sh", "-c", status).out());

    String hostIpc = Files.readSymbolicLink(Path.of("/proc/self/ns/ipc")).toString();
    assertEquals(hostIpc + "\n", ok("run", "--rm", "--ipc", "host", "busybox", "busybox", "readlink", "/proc/self/ns/ipc").out());
    assertTrue(!ok("run", "--rm", "busybox", "busybox", "readlink", "/proc/self/ns/ipc").out().strip().equals(hostIpc));
    // as Docker's: the host's /dev/shm, whose files the container sees and the host sees the container's
    Path hostShm = Files.createTempFile(Path.of("/dev/shm"), "berth-ipc-host", "");
    try {
      String name = hostShm.getFileName().toString();
      assertEquals(name + "\n", ok("run", "--rm", "--ipc", "host", "busybox", "sh", "-c",
          "ls /dev/shm | grep -x " + name + " && rm /dev/shm/" + name).out());
      assertTrue(Files.notExists(hostShm), "removed through the container");
    } finally {
      Files.deleteIfExists(hostShm);
    }
    assertEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")) + "\n",
        ok("run", "--rm", "--pid", "host", "busybox", "busybox", "readlink", "/proc/self/ns/pid").out());
    assertEquals("1\n", ok("run", "--rm", "--sysctl", "net.ipv4.ip_forward=1", "busybox",
        "cat", "/proc/sys/net/ipv4/ip_forward").out());
    assertEquals("uid=1000 gid=0(root) groups=0(root),1234\n", ok("run", "--rm", "-u", "1000", "--group-add", "1234",
        "busybox", "id").out());
    // a name is looked up in the image's /etc/group, as Docker looks it up
    assertEquals("uid=1000 gid=0(root) groups=0(root),65534(nogroup)\n", ok("run", "--rm", "-u", "1000", "--group-add",
        "nogroup", "busybox", "id").out());
    // as Docker's exec: the container's --group-add groups go with any -u user
    ok("run", "-d", "--name", "grouped", "--group-add", "1234", "--group-add", "root", "busybox", "sleep", "1000");
    try {
      assertEquals("uid=65534(nobody) gid=65534(nogroup) groups=0(root),1234,65534(nogroup)\n",
          ok("exec", "-u", "nobody", "grouped", "id").out());
    } finally {
      berthd.ctl("rm", "-f", "grouped");
    }
    // as Docker's daemon, a name is looked up when the container starts: missing, the start fails
    Cli.Result noGroup = berthd.ctl("run", "--rm", "--group-add", "audio", "busybox", "true");
    assertEquals(125, noGroup.exit(), noGroup::toString);
    assertEquals("berthctl: Error response from daemon: Unable to find group audio: no matching entries in group file.\n", noGroup.stderr());
    // and one the container's /etc/group has by then is found
    ok("create", "--name", "late-group", "--group-add", "audio", "busybox", "id", "-G");
    try {
      Path group = tmp.resolve("group");
      ok("cp", "late-group:/etc/group", group.toString());
      Files.writeString(group, "audio:x:2929:\n", java.nio.file.StandardOpenOption.APPEND);
      ok("cp", group.toString(), "late-group:/etc/group");
      assertTrue(ok("start", "-a", "late-group").out().strip().endsWith(" 2929"), "the group's id among the process's");
    } finally {
      berthd.ctl("rm", "-f", "late-group");
    }
    assertEquals("crw-rw-rw-    1 root     root        1,   5 zero\n", ok("run", "--rm", "--device", "/dev/zero:/tmp/zero",
        "busybox", "sh", "-c", "cd /tmp && ls -l zero | busybox sed 's/ [A-Z][a-z][a-z] .* zero/ zero/'").out());
    Cli.Result readOnly = berthd.ctl("run", "--rm", "--device", "/dev/loop-control:/dev/lc:r", "busybox",
        "sh", "-c", "echo > /dev/lc");
    assertEquals(1, readOnly.exit(), readOnly::toString);
    assertTrue(readOnly.stderr().contains("Operation not permitted"), readOnly.stderr());

    for (String[] bad : List.of(new String[] {"--ipc", "container:"}, new String[] {"--security-opt", "foo"},
        new String[] {"--device", "/dev/no-such-device"}, new String[] {"--uts", "host", "--hostname", "h"},
        new String[] {"--network", "host", "--sysctl", "net.ipv4.ip_forward=1"},
        new String[] {"--sysctl", "vm.swappiness=1"})) {
      List<String> args = new ArrayList<>(List.of("run", "--rm"));
      args.addAll(List.of(bad));
      args.addAll(List.of("busybox", "true"));
      Cli.Result r = berthd.ctl(args.toArray(String[]::new));
      assertEquals(125, r.exit(), r::toString);
    }
    assertEquals(List.of(), containerIds(), "refused flags leave no container");
  }

  /** A block device of this host, as {@code /dev/NAME MAJOR:MINOR}; null if there is none. */
  private static String[] blockDevice() throws Exception {
    try (var devices = Files.list(Path.of("/sys/block"))) {
      for (Path d : devices.sorted().toList()) {
        Path node = Path.of("/dev", d.getFileName().toString());
        if (Files.exists(node) && Files.exists(d.resolve("dev"))) {
          return new String[] {node.toString(), Files.readString(d.resolve("dev")).strip()};
        }
      }
    }
    return null;
  }

  @Test
  void blockIoLimitsMemoryNodesDeviceRulesAndAnnotationsReachTheContainerAsDockersDaemonSetsThem() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/sys/fs/cgroup/blkio")), "cgroup v1's blkio files");
    String[] device = blockDevice();
    Assumptions.assumeTrue(device != null, "a block device");
    String cgroup = "/sys/fs/cgroup/blkio/blkio.throttle.";
    Cli.Result r = ok("run", "--rm", "--device-read-bps", device[0] + ":1mb", "--device-write-iops", device[0] + ":100",
        "--cpuset-mems", "0", "--device-cgroup-rule", "c 1:3 rwm", "busybox", "sh", "-c",
        "cat " + cgroup + "read_bps_device " + cgroup + "write_iops_device /sys/fs/cgroup/cpuset/cpuset.mems; "
            + "grep -x 'c 1:3 rwm' /sys/fs/cgroup/devices/devices.list");
    assertEquals(device[1] + " 1048576\n" + device[1] + " 100\n0\nc 1:3 rwm\n", r.out());

    ok("create", "--name", "blk", "--blkio-weight", "300", "--device-read-iops", device[0] + ":50",
        "--annotation", "org.example.team=web", "--annotation", "bare", "--cpuset-mems", "0",
        "--device-cgroup-rule", "b *:* r", "--volume-driver", "local", "busybox", "true");
    try {
      String weight = BlockIoFlags.Limit.WEIGHT.supported() ? "300" : "0";
      assertEquals(weight + " [{\"Path\":\"" + device[0] + "\",\"Rate\":50}] {\"bare\":\"\",\"org.example.team\":\"web\"} "
          + "\"0\" [\"b *:* r\"] local\n", ok("inspect", "-f", "{{.HostConfig.BlkioWeight}} "
              + "{{json .HostConfig.BlkioDeviceReadIOps}} {{json .HostConfig.Annotations}} {{json .HostConfig.CpusetMems}} "
              + "{{json .HostConfig.DeviceCgroupRules}} {{.HostConfig.VolumeDriver}}", "blk").out());
    } finally {
      berthd.ctl("rm", "blk");
    }
    if (!BlockIoFlags.Limit.WEIGHT.supported()) {
      Cli.Result dropped = ok("run", "--rm", "--blkio-weight", "300", "busybox", "true");
      assertEquals("WARNING: Your kernel does not support Block I/O weight or the cgroup is not mounted. "
          + "Weight discarded.\n", dropped.stderr());
    }
  }

  @Test
  void storageOptionsOtherVolumeDriversAndGpusAreRefusedInDockersWords() throws Exception {
    Cli.Result size = berthd.ctl("run", "--rm", "--storage-opt", "size=10G", "busybox", "true");
    assertEquals(125, size.exit(), size::toString);
    assertEquals("berthctl: Error response from daemon: --storage-opt is supported only for overlay over xfs with "
        + "'pquota' mount option." + RUN_HELP, size.stderr());
    Cli.Result plugin = berthd.ctl("run", "--rm", "--volume-driver", "flocker", "-v", "runflags-data:/data", "busybox", "true");
    assertEquals(125, plugin.exit(), plugin::toString);
    assertEquals("berthctl: Error response from daemon: create runflags-data: error looking up volume plugin flocker: "
        + "plugin \"flocker\" not found." + RUN_HELP, plugin.stderr());
    Cli.Result tiny = berthd.ctl("run", "--rm", "--memory", "4m", "busybox", "true");
    assertEquals(125, tiny.exit(), tiny::toString);
    assertEquals("berthctl: Error response from daemon: Minimum memory limit allowed is 6MB." + RUN_HELP, tiny.stderr());
    assertEquals(List.of(), containerIds(), "refused flags leave no container");

    // as Docker without NVIDIA's driver: created, refused at start
    Cli.Result gpus = berthd.ctl("run", "--name", "gpu", "--gpus", "all", "busybox", "true");
    try {
      assertEquals(125, gpus.exit(), gpus::toString);
      assertEquals("berthctl: Error response from daemon: could not select device driver \"\" with capabilities: [[gpu]].\n", gpus.stderr());
      assertEquals("[{\"Driver\":\"\",\"Count\":-1,\"DeviceIDs\":null,\"Capabilities\":[[\"gpu\"]],\"Options\":{}}]\n",
          ok("inspect", "-f", "{{json .HostConfig.DeviceRequests}}", "gpu").out());
    } finally {
      berthd.ctl("rm", "-f", "gpu");
    }
  }

  @Test
  void stopEscalatesToSigkillForAProcessIgnoringSigterm() throws Exception {
    ok("run", "-d", "--name", "stubborn", "busybox", "sh", "-c", "trap '' TERM; while true; do sleep 1; done");
    long started = System.nanoTime();
    ok("stop", "-t", "1", "stubborn");
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(tookMillis >= 900 && tookMillis < 8000, "stop took " + tookMillis + " ms");
    JsonNode state = JSON.readTree(ok("inspect", "stubborn").stdout()).get(0).get("State");
    assertEquals(137, state.get("ExitCode").asInt());
    assertEquals("exited", state.get("Status").asText());
  }

  @Test
  void stopWaitsTheContainersStopTimeoutUnlessToldOtherwise() throws Exception {
    ok("run", "-d", "--name", "patient", "--stop-timeout", "1", "busybox", "sh", "-c",
        "trap '' TERM; while true; do sleep 1; done");
    assertEquals(1, JSON.readTree(ok("inspect", "patient").stdout()).get(0).get("Config").get("StopTimeout").asInt());
    long started = System.nanoTime();
    ok("stop", "patient");
    long tookMillis = (System.nanoTime() - started) / 1_000_000;
    assertTrue(tookMillis >= 900 && tookMillis < 8000, "stop took " + tookMillis + " ms, not the container's 1 s");
    assertEquals(137, JSON.readTree(ok("inspect", "patient").stdout()).get(0).get("State").get("ExitCode").asInt());
    assertEquals(125, berthd.ctl("run", "--rm", "--stop-timeout", "-2", "busybox", "true").exit());
    // Docker's ints are 64 bits: kept as given past int32
    ok("create", "--name", "longer", "--stop-timeout", "9999999999", "--health-cmd", "true", "--health-retries",
        "9999999999", "busybox");
    assertEquals("9999999999 9999999999\n",
        ok("inspect", "-f", "{{.Config.StopTimeout}} {{.Config.Healthcheck.Retries}}", "longer").out());
  }

  @Test
  void cidfileLabelFileAndExposeAsDockerTakesThem() throws Exception {
    Path cid = tmp.resolve("web.cid");
    Path labels = Files.writeString(tmp.resolve("labels"), "# team labels\nteam=web\n\ntier=front\n");
    String id = ok("create", "--cidfile", cid.toString(), "--label-file", labels.toString(), "-l", "tier=back",
        "--expose", "8000-8001", "--expose", "53/udp", "--name", "described", "busybox", "true").out().strip();
    assertEquals(id, Files.readString(cid));
    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(cid)));
    assertEquals("", ok("logs", "described").out(), "one that never ran has no log lines, as in Docker");
    JsonNode config = JSON.readTree(ok("inspect", "described").stdout()).get(0).get("Config");
    assertEquals("web", config.get("Labels").get("team").asText());
    assertEquals("back", config.get("Labels").get("tier").asText(), "-l comes after the label file");
    for (String port : List.of("8000/tcp", "8001/tcp", "53/udp")) {
      assertTrue(config.get("ExposedPorts").has(port), config::toString);
    }
    Cli.Result again = berthd.ctl("run", "--cidfile", cid.toString(), "busybox", "true");
    assertEquals(125, again.exit(), again::toString);
    assertTrue(again.stderr().contains("container ID file found"), again::toString);
    assertEquals(1, containerIds().size(), "the refused run made no container");
    Cli.Result nowhere = berthd.ctl("run", "--cidfile", tmp.resolve("missing/web.cid").toString(), "busybox", "true");
    assertEquals(125, nowhere.exit(), nowhere::toString);
    assertTrue(nowhere.stderr().startsWith("berthctl: failed to create the container ID file"), nowhere::toString);
    assertTrue(nowhere.stderr().endsWith("." + RUN_HELP), nowhere::toString);
    assertEquals(1, containerIds().size(), "a file that cannot be made makes no container");
    assertEquals(125, berthd.ctl("create", "--expose", "70000", "busybox", "true").exit());
  }

  @Test
  void runningRemoveNeedsForce() {
    ok("run", "-d", "--name", "busy", "busybox", "sleep", "1000");
    Cli.Result refused = berthd.ctl("rm", "busy");
    assertEquals(1, refused.exit());
    assertEquals("Error response from daemon: cannot remove container \"/busy\": container is running: stop the "
        + "container before removing or force remove\n", refused.stderr());
    ok("rm", "-f", "busy");
    assertEquals(List.of(), containerIds());
    // as docker's rm -f: one that is not there is removed already
    Cli.Result again = ok("rm", "-f", "busy");
    assertEquals("", again.out() + again.stderr());
  }

  @Test
  void aRestartThatLosesItsContainerToRmSaysItIsGone() throws Exception {
    ok("run", "-d", "--name", "c4", "busybox", "sleep", "1000");
    CompletableFuture<Cli.Result> restart = CompletableFuture.supplyAsync(() -> berthd.ctl("restart", "-t", "1", "c4"));
    // while the restart waits out its timeout, or starts the new task
    Thread.sleep(400);
    ok("rm", "-f", "c4");
    Cli.Result restarted = restart.get(30, TimeUnit.SECONDS);
    assertEquals(1, restarted.exit(), restarted::toString);
    // Docker's words, not those of whichever step found the container gone
    assertEquals("Error response from daemon: No such container: c4\n", restarted.stderr());
    assertEquals(List.of(), containerIds());
  }

  @Test
  void aDetachedStartThatLosesItsContainerToRmFailsAndLeavesNoProcess() throws Exception {
    String id = ok("create", "--name", "racer", "busybox", "sleep", "1000").out().strip();
    Container record = new ContainerClient(berthd.channel()).get(id);
    // as an rm -f that read the container before its task existed: it removes only the record,
    // here once the task run -d made is there, before its start
    Channel racing = ClientInterceptors.intercept(berthd.channel(), new ClientInterceptor() {
      @Override
      public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
        if (method == TasksGrpc.getStartMethod()) {
          ContainersGrpc.newBlockingStub(berthd.channel()).delete(DeleteContainerRequest.newBuilder().setId(id).build());
        }
        return next.newCall(method, options);
      }
    });
    NoSuchObjectException gone = assertThrows(NoSuchObjectException.class,
        () -> new ContainerTasks(racing).startDetached(new ContainerState(record, Optional.empty())));
    // Docker's daemon's words, which its run -d prints, exiting 125
    assertEquals("No such container: " + id, gone.getMessage());
    assertEquals(Optional.empty(), ContainerState.task(berthd.channel(), id), "no task runs on without its container");
  }

  @Test
  void aRestartingContainerRunsForRmPrunesAndDfAsInDocker() throws Exception {
    ok("run", "-d", "--name", "crashy", "--restart", "always", "busybox", "sh", "-c", "exit 6");
    ok("create", "--name", "idle", "busybox", "true");
    awaitBackOffBetweenRuns("crashy");
    Cli.Result refused = berthd.ctl("rm", "crashy");
    assertEquals(1, refused.exit(), refused::toString);
    assertEquals("Error response from daemon: cannot remove container \"/crashy\": container is restarting: stop the "
        + "container before removing or force remove\n", refused.stderr());
    // Docker counts a restarting container as running, so its daemon's refusal is this one
    String id = ok("inspect", "-f", "{{.Id}}", "crashy").out().strip();
    for (String[] refusedWhileRestarting : new String[][] {{"pause", "crashy"}, {"exec", "crashy", "true"}}) {
      Cli.Result r = berthd.ctl(refusedWhileRestarting);
      assertEquals(1, r.exit(), r::toString);
      assertEquals("Error response from daemon: Container " + id + " is restarting, wait until the container is "
          + "running\n", r.stderr());
    }
    String df = ok("system", "df", "--format", "{{.Type}}={{.TotalCount}}/{{.Active}}").out();
    assertTrue(df.contains("Containers=2/1\n"), df);
    ok("container", "prune", "-f");
    ok("system", "prune", "-f");
    assertEquals("crashy\n", ok("ps", "-a", "--format", "{{.Names}}").out(), "only the idle one was pruned");
    ok("rm", "-f", "crashy");
    assertEquals(List.of(), containerIds());
    // the restart monitor does not bring it back
    Thread.sleep(1000);
    assertEquals(List.of(), containerIds());
  }

  @Test
  void aStopDuringTheRestartBackOffKeepsTheContainerExited() throws Exception {
    ok("run", "-d", "--name", "crashy", "--restart", "always", "busybox", "sh", "-c", "exit 6");
    awaitBackOffBetweenRuns("crashy");
    ok("stop", "crashy");
    String stopped = ok("inspect", "-f", "{{.State.Status}} {{.RestartCount}}", "crashy").out();
    assertTrue(stopped.startsWith("exited "), stopped);
    // longer than the back-off it was waiting out (at most 6.4 s after 6 restarts)
    Thread.sleep(8000);
    assertEquals(stopped, ok("inspect", "-f", "{{.State.Status}} {{.RestartCount}}", "crashy").out());
  }

  @Test
  void aKillWithASignalOtherThanTheStopSignalKeepsTheRestartPolicyAsDockers() throws Exception {
    ok("run", "-d", "--name", "signalled", "--restart", "always", "--stop-signal", "QUIT", "busybox", "sh", "-c",
        "trap 'exit 3' HUP QUIT; echo trapped; while true; do sleep 0.1; done");
    // sh as PID 1 ignores a signal it has no trap for yet: each signal waits for the trap of that run
    awaitLog("signalled", "trapped", 1);
    // a message to the process, which then ends: Docker's daemon restarts it
    ok("kill", "-s", "HUP", "signalled");
    awaitState("signalled", "running 1");
    awaitLog("signalled", "trapped", 2);
    // its stop signal cancels the policy, as Docker's ExitOnNext
    ok("kill", "-s", "QUIT", "signalled");
    awaitState("signalled", "exited 1");
    Thread.sleep(1000);
    assertEquals("exited 1\n", ok("inspect", "-f", "{{.State.Status}} {{.RestartCount}}", "signalled").out());
  }

  /** Waits up to 10 s for {@code times} lines {@code line} in the container's log (its runs' logs together). */
  private static void awaitLog(String container, String line, long times) throws Exception {
    for (int i = 0; i < 200; i++) {
      if (ok("logs", container).out().lines().filter(line::equals).count() >= times) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(container + " did not log " + line + " " + times + " times: " + ok("logs", container).out());
  }

  private static void awaitState(String container, String statusAndCount) throws Exception {
    for (int i = 0; i < 200; i++) {
      if (ok("inspect", "-f", "{{.State.Status}} {{.RestartCount}}", container).out().strip().equals(statusAndCount)) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(container + " is not " + statusAndCount + ": " + ok("inspect", container).stdout());
  }

  @Test
  void systemDfVerboseWritesSharedAndUniqueSizesWithFourDigitsAsDockersCli() throws Exception {
    DiskUsage.ImageUsage busybox = new DiskUsage(berthd.channel()).measure().images().stream()
        .filter(i -> i.image().name().equals("docker.io/library/busybox:latest")).findFirst().orElseThrow();
    String line = ok("system", "df", "-v").out().lines().filter(l -> l.startsWith("busybox ")).findFirst()
        .orElseThrow();
    // REPOSITORY, TAG, IMAGE ID, CREATED, SIZE, SHARED SIZE, UNIQUE SIZE, CONTAINERS
    List<String> cells = List.of(line.split("\\s{2,}"));
    assertEquals(List.of(Output.size(busybox.size()), Output.preciseSize(busybox.shared()),
        Output.preciseSize(busybox.unique())), cells.subList(4, 7), line);
  }

  @Test
  void systemDfVerboseRunsAFormatOnceOverEveryListAsDockersCli() throws Exception {
    String id = ok("run", "-d", "--name", "dfv", "-p", "8089:80", "-v", "/dfdata", "busybox", "sleep", "1000").out()
        .strip();
    Cli.Result json = ok("system", "df", "-v", "--format", "json");
    assertFalse(json.out().endsWith("\n"), "as Docker's: what the template wrote, nothing after it");
    JsonNode all = JSON.readTree(json.out());
    List<String> lists = new ArrayList<>();
    all.fieldNames().forEachRemaining(lists::add);
    assertEquals(List.of("Images", "Containers", "Volumes", "BuildCache"), lists);
    JsonNode container = null;
    for (JsonNode c : all.get("Containers")) {
      if (c.get("Names").asText().equals("dfv")) {
        container = c;
      }
    }
    assertTrue(container != null, json::toString);
    // nothing cut, as Docker's CLI when the format is not a table
    assertEquals(id, container.get("ID").asText());
    assertEquals("\"sleep 1000\"", container.get("Command").asText());
    assertEquals("1", container.get("LocalVolumes").asText());
    assertTrue(container.get("Ports").asText().contains("8089->80/tcp"), container::toString);
    String volume = container.get("Mounts").asText();
    JsonNode busybox = null;
    for (JsonNode i : all.get("Images")) {
      if (i.get("Repository").asText().equals("busybox")) {
        busybox = i;
      }
    }
    assertTrue(busybox != null && busybox.get("ID").asText().startsWith("sha256:")
        && busybox.get("Tag").asText().equals("latest") && busybox.get("Digest").asText().isEmpty(), json::toString);
    boolean linked = false;
    for (JsonNode v : all.get("Volumes")) {
      linked |= v.get("Name").asText().equals(volume) && v.get("Links").asText().equals("1");
    }
    assertTrue(linked, json::toString);
    assertEquals("1", ok("system", "df", "-v", "--format",
        "{{range .Containers}}{{if eq .Names \"dfv\"}}{{.LocalVolumes}}{{end}}{{end}}").out());
    Cli.Result unknown = berthd.ctl("system", "df", "-v", "--format", "{{.Foo}}");
    assertEquals(1, unknown.exit(), unknown::toString);
    assertTrue(unknown.stderr().contains("can't evaluate field Foo in type *formatter.diskUsageContext"),
        unknown::toString);
  }

  @Test
  void systemDfVerboseDatesAnImageByItsConfigAsImagesDoes() {
    String created = ok("images", "--format", "{{.CreatedSince}}", "busybox").out().strip();
    assertTrue(created.matches("\\d+ (years|months) ago"), created);
    assertTrue(ok("system", "df", "-v").out().lines()
        .anyMatch(l -> l.matches("busybox\\s+latest\\s+[0-9a-f]{12}\\s+" + created + "\\s+.*")),
        "the config's date, not the load's");
  }

  /**
   * Waits until its back-off is seconds long (5 restarts) and it waits for the next one: ended
   * with its exit code, not between the monitor's deletion of the task and its new start.
   */
  private static void awaitBackOffBetweenRuns(String container) throws Exception {
    for (int i = 0; i < 300; i++) {
      JsonNode c = JSON.readTree(ok("inspect", container).stdout()).get(0);
      JsonNode state = c.get("State");
      if (c.get("RestartCount").asInt() >= 5 && state.get("Status").asText().equals("restarting")
          && state.get("ExitCode").asInt() != 0) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError(container + " did not reach a long back-off: " + ok("inspect", container).stdout());
  }

  @Test
  void nameInUseIsRefused() {
    String id = ok("create", "--name", "dup", "busybox", "true").out().strip();
    Cli.Result r = berthd.ctl("create", "--name", "dup", "busybox", "true");
    assertEquals(1, r.exit());
    // Docker's: its daemon's refusal after "Error response from daemon: ", plain for create
    assertEquals("Error response from daemon: Conflict. The container name \"/dup\" is already in use by container \"" + id
        + "\". You have to remove (or rename) that container to be able to reuse that name.\n", r.stderr());
    // run: Docker's form for a container its daemon would not make, the help line after it
    Cli.Result run = berthd.ctl("run", "--name", "dup", "busybox", "true");
    assertEquals(125, run.exit(), run::toString);
    assertEquals("berthctl: Error response from daemon: Conflict. The container name \"/dup\" is already in use by "
        + "container \"" + id
        + "\". You have to remove (or rename) that container to be able to reuse that name." + RUN_HELP,
        run.stderr());
    assertEquals(List.of(id), containerIds());
    String other = ok("create", "--name", "dup2", "busybox", "true").out().strip();
    Cli.Result renamed = berthd.ctl("rename", "dup2", "dup");
    assertEquals(1, renamed.exit());
    assertEquals("Error response from daemon: Error when allocating new name: Conflict. The container name \"/dup\" "
        + "is already in use by container \"" + id + "\". You have to remove (or rename) that container to be able to "
        + "reuse that name.\nError: failed to rename container named dup2\n", renamed.stderr());
    assertEquals("/dup2", ok("inspect", "-f", "{{.Name}}", other).out().strip());
  }

  @Test
  void aNameDockerRefusesIsRefusedInItsDaemonsWords() throws Exception {
    String refusal = "Error response from daemon: Invalid container name (w), only [a-zA-Z0-9][a-zA-Z0-9_.-] are "
        + "allowed";
    Cli.Result run = berthd.ctl("run", "--name", "w", "busybox", "true");
    assertEquals(125, run.exit(), run::toString);
    assertEquals("berthctl: " + refusal + ".\nSee 'berthctl run --help'.\n", run.stderr());
    Cli.Result create = berthd.ctl("create", "--name", "bad name", "busybox", "true");
    assertEquals(1, create.exit(), create::toString);
    assertEquals(refusal.replace("(w)", "(bad name)") + "\n", create.stderr());
    assertEquals(List.of(), containerIds());
    // rename: Docker's daemon's words when it allocates the name, which has its slash by then
    String id = ok("create", "--name", "named-well", "busybox", "true").out().strip();
    Cli.Result renamed = berthd.ctl("rename", "named-well", "bad name");
    assertEquals(1, renamed.exit(), renamed::toString);
    assertEquals("Error response from daemon: Error when allocating new name: Invalid container name (/bad name), "
        + "only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed\nError: failed to rename container named named-well\n",
        renamed.stderr());
    // the same name is refused first, even with the slash
    assertEquals("Error response from daemon: Renaming a container with the same name as its current name\n"
        + "Error: failed to rename container named named-well\n", berthd.ctl("rename", "named-well", "/named-well")
        .stderr());
    // Docker's CLI trims the names, and refuses an empty one itself
    Cli.Result empty = berthd.ctl("rename", "named-well", " ");
    assertEquals(1, empty.exit(), empty::toString);
    assertEquals("Error: Neither old nor new names may be empty\n", empty.stderr());
    ok("rename", " named-well ", " trimmed ");
    assertEquals("/trimmed", ok("inspect", "-f", "{{.Name}}", id).out().strip());
    ok("rm", id);
  }

  @Test
  void restartPoliciesAreRefusedInTheWordsOfDockersCliOrDaemon() throws Exception {
    Cli.Result format = berthd.ctl("run", "--restart", "on-failure:x", "busybox", "true");
    assertEquals(125, format.exit(), format::toString);
    assertEquals("berthctl: invalid restart policy format: maximum retry count must be an integer.\n"
        + "See 'berthctl run --help'.\n", format.stderr());
    String unknown = "Error response from daemon: invalid restart policy: unknown policy 'sometimes'; use one of "
        + "'no', 'always', 'on-failure', or 'unless-stopped'";
    Cli.Result run = berthd.ctl("run", "--restart", "sometimes", "busybox", "true");
    assertEquals(125, run.exit(), run::toString);
    assertEquals("berthctl: " + unknown + ".\nSee 'berthctl run --help'.\n", run.stderr());
    assertEquals(List.of(), containerIds());
    ok("create", "--name", "policed", "--restart", "on-failure:", "busybox", "true");
    try {
      Cli.Result update = berthd.ctl("update", "--restart", "always:2", "policed");
      assertEquals(1, update.exit(), update::toString);
      assertEquals("Error response from daemon: invalid restart policy: maximum retry count can only be used with "
          + "'on-failure'\n", update.stderr());
      assertEquals("on-failure", hostConfig("policed").at("/RestartPolicy/Name").asText());
    } finally {
      berthd.ctl("rm", "-f", "policed");
    }
  }

  @Test
  void badInputIsDockersReportExit125AndCreatesNothing() {
    List<String> snapshotsBefore = berthd.snapshotKeys();
    for (List<String> args : List.of(
        List.of("run", "--rm", "-p", "80:http", "busybox", "true"),
        List.of("run", "--rm", "-p", "1.2.3:80:80", "busybox", "true"),
        List.of("run", "--rm", "-v", "relative/path:/data", "busybox", "true"),
        List.of("run", "--rm", "-v", "/tmp:data", "busybox", "true"),
        List.of("run", "--rm", "--memory", "1k", "busybox", "true"),
        List.of("run", "--rm", "--mount", "type=bind,source=/no/such/dir,target=/data", "busybox", "true"),
        List.of("run", "--rm", "--restart", "sometimes", "busybox", "true"),
        List.of("run", "--rm", "--platform", "amd64", "busybox", "true"),
        List.of("run", "--rm", "--cpus", "1", "--cpu-quota", "50000", "busybox", "true"),
        List.of("run", "--rm", "--cpu-period", "10", "busybox", "true"),
        // more CPUs than the host has, as docker checks them (runc's own error says less)
        List.of("run", "--rm", "--cpus", "65536", "busybox", "true"),
        List.of("run", "--rm", "--cpuset-cpus", "65535", "busybox", "true"),
        List.of("run", "--rm", "--oom-score-adj", "2000", "busybox", "true"),
        List.of("run", "--rm", "--cgroup-parent", "../escape", "busybox", "true"),
        List.of("run", "--rm", "--cgroupns", "shared", "busybox", "true"),
        List.of("run", "--rm", "--memory-swappiness", "101", "busybox", "true"),
        List.of("run", "--rm", "--runtime", "nosuch", "busybox", "true"),
        List.of("run", "--rm", "--userns", "remap", "busybox", "true"),
        List.of("run", "--rm", "--dns-option", "ndots:1 debug", "busybox", "true"),
        List.of("run", "--rm", "--network", "host", "--domainname", "example.test", "busybox", "true"),
        List.of("run", "--rm", "--pull", "never", "--platform", "linux/s390x", "busybox", "true"),
        // refused before docker's "Unable to find image" line and any pull
        List.of("run", "--rm", "Bad:1", "true"),
        List.of("create", "Bad/Name", "true"))) {
      Cli.Result r = berthd.ctl(args.toArray(String[]::new));
      assertEquals(125, r.exit(), () -> args + ": " + r);
      // Docker's reportError: its name, the message with one final period, where help is
      assertTrue(r.stderr().startsWith("berthctl: ") && !r.stderr().contains("..\n")
          && r.stderr().endsWith(".\nSee 'berthctl " + args.get(0) + " --help'.\n")
          && r.stderr().lines().count() == 2, () -> args + ": " + r);
      assertEquals("", r.out(), () -> args + ": " + r);
    }
    // --pull never: the default (missing) would ask Docker Hub for it. Docker's daemon's words, the
    // name with its tag, and no "Unable to find image" line, which Docker prints only before a pull
    Cli.Result never = berthd.ctl("run", "--rm", "--pull", "never", "nosuchimage", "true");
    assertEquals(125, never.exit(), never::toString);
    assertEquals("berthctl: Error response from daemon: No such image: nosuchimage:latest." + RUN_HELP,
        never.stderr());
    assertEquals("", never.out());
    Cli.Result noNetwork = berthd.ctl("run", "--rm", "--network", "nosuchnet", "busybox", "true");
    assertEquals(125, noNetwork.exit(), noNetwork::toString);
    assertEquals("berthctl: Error response from daemon: network nosuchnet not found." + RUN_HELP,
        noNetwork.stderr());
    // past int32, as Docker's daemon refuses it (its CLI's int is 64 bits)
    assertEquals("berthctl: Error response from daemon: Invalid value 9999999999, range for oom score adj is "
        + "[-1000, 1000]." + RUN_HELP, berthd.ctl("run", "--rm", "--oom-score-adj", "9999999999", "busybox", "true").stderr());
    Cli.Result created = berthd.ctl("create", "--pull", "never", "example.com/tools/nosuch:2");
    assertEquals(1, created.exit(), "docker's create: 1 for what its daemon refuses");
    assertEquals("Error response from daemon: No such image: example.com/tools/nosuch:2\n", created.stderr());
    assertEquals("berthctl: invalid mount config: bind source path does not exist: /no/such/dir." + RUN_HELP,
        berthd.ctl("run", "--mount", "type=bind,source=/no/such/dir,target=/data", "busybox", "true").stderr());
    assertEquals(List.of(), containerIds());
    assertNoSnapshotLeft(snapshotsBefore);
  }

  @Test
  void aUserIsLookedUpWhenTheContainerStartsAsInDocker() throws Exception {
    // created as given, as Docker's create; every start looks the name up until one finds it
    String id = ok("create", "--name", "later", "-u", "app:staff", "--group-add", "1234", "busybox", "id")
        .out().strip();
    assertEquals(64, id.length(), id);
    Cli.Result refused = berthd.ctl("start", "-a", "later");
    assertEquals(1, refused.exit(), refused::toString);
    // Docker's daemon finds the user at a start and refuses it so; berthctl does that part here
    assertEquals("Error response from daemon: unable to find user app: no matching entries in passwd file\n",
        refused.stderr());
    assertEquals("unable to find user app: no matching entries in passwd file",
        JSON.readTree(ok("inspect", "later").stdout()).get(0).get("State").get("Error").asText());
    Path passwd = tmp.resolve("passwd");
    Files.writeString(passwd, "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/:/bin/sh\n");
    Path group = tmp.resolve("group");
    Files.writeString(group, "root:x:0:\nstaff:x:50:\nextra:x:77:app\n");
    ok("cp", passwd.toString(), "later:/etc/passwd");
    ok("cp", group.toString(), "later:/etc/group");
    assertEquals("uid=1000(app) gid=50(staff) groups=50(staff),1234\n", ok("start", "-a", "later").out());
    assertEquals("app:staff\n", ok("inspect", "-f", "{{.Config.User}}", "later").out());
    // found once, the ids stay in the spec for the next starts
    assertEquals("later\n", ok("start", "later").out());
    assertEquals("0\n", ok("wait", "later").out());
    List<String> logs = ok("logs", "later").out().lines().toList();
    assertEquals("uid=1000(app) gid=50(staff) groups=50(staff),1234", logs.get(logs.size() - 1));

    Cli.Result run = berthd.ctl("run", "--rm", "-u", "nosuch", "busybox", "true");
    assertEquals(125, run.exit(), "Docker's run says 125: " + run);
    // refused at start, as in Docker: no help line after it
    assertEquals("berthctl: Error response from daemon: unable to find user nosuch: no matching entries in passwd file.\n", run.stderr());
    Cli.Result runGroup = berthd.ctl("run", "-d", "--name", "nogroup", "-u", "0:nosuchgroup", "busybox", "true");
    assertEquals(125, runGroup.exit(), runGroup::toString);
    assertEquals("berthctl: Error response from daemon: unable to find group nosuchgroup: no matching entries in group file.\n",
        runGroup.stderr());
    assertEquals("created\n", ok("inspect", "-f", "{{.State.Status}}", "nogroup").out());
    // a user the image has is found at create, as before, memberships and all
    // (the kernel keeps a process's groups sorted)
    assertEquals("uid=65534(nobody) gid=65534(nogroup) groups=1234,65534(nogroup)\n",
        ok("run", "--rm", "-u", "nobody", "--group-add", "1234", "busybox", "id").out());
  }

  /** moby's and containerd's shim's headings before runc's reason, as Docker's daemon words a refused start. */
  private static final String DOCKER_CREATE_REFUSAL =
      "failed to create task for container: failed to create shim task: OCI runtime create failed: ";

  @Test
  void missingCommandExits127() throws Exception {
    Cli.Result r = berthd.ctl("run", "--rm", "busybox", "/no/such/command");
    assertEquals(127, r.exit(), r::toString);
    // a start that failed, as Docker's run reports it (in its daemon's words over containerd): no help line
    assertEquals("berthctl: Error response from daemon: " + DOCKER_CREATE_REFUSAL + "runc create failed: unable to start "
        + "container process: exec: \"/no/such/command\": stat /no/such/command: no such file or directory: unknown.\n",
        r.stderr());
    Cli.Result notExecutable = berthd.ctl("run", "--rm", "busybox", "/etc");
    assertEquals(126, notExecutable.exit(), notExecutable::toString);
    assertEquals("berthctl: Error response from daemon: " + DOCKER_CREATE_REFUSAL + "runc create failed: unable to start "
        + "container process: exec: \"/etc\": permission denied: unknown.\n", notExecutable.stderr());
    Cli.Result notInPath = berthd.ctl("run", "-d", "--name", "notinpath", "busybox", "nosuchcmd");
    assertEquals(127, notInPath.exit(), notInPath::toString);
    assertEquals("berthctl: Error response from daemon: " + DOCKER_CREATE_REFUSAL + "runc create failed: unable to start "
        + "container process: exec: \"nosuchcmd\": executable file not found in $PATH: unknown.\n", notInPath.stderr());
    ok("rm", "notinpath");
    assertEquals(List.of(), containerIds());
    // kept, it stays created with the runtime's reason and the code, as Docker's inspect shows; a start clears them
    assertEquals(127, berthd.ctl("run", "--name", "unstarted", "busybox", "/no/such/command").exit());
    JsonNode state = JSON.readTree(ok("inspect", "unstarted").stdout()).get(0).get("State");
    assertEquals("created", state.get("Status").asText());
    assertEquals(127, state.get("ExitCode").asInt());
    String refusal = DOCKER_CREATE_REFUSAL + "runc create failed: unable to start container process: exec: "
        + "\"/no/such/command\": stat /no/such/command: no such file or directory: unknown";
    assertEquals(refusal, state.get("Error").asText(), state::toString);
    Cli.Result start = berthd.ctl("start", "unstarted");
    assertEquals(1, start.exit(), "docker start says 1");
    assertEquals("Error response from daemon: " + refusal + "\nError: failed to start containers: unstarted\n",
        start.stderr());
    assertEquals(refusal, JSON.readTree(ok("inspect", "unstarted").stdout()).get(0).get("State").get("Error").asText());
    // attached, Docker's start prints its daemon's answer bare and exits 1: only run says 126 or 127
    Cli.Result attached = berthd.ctl("start", "-a", "unstarted");
    assertEquals("Error response from daemon: " + refusal + "\n", attached.stderr(), attached::toString);
    assertEquals(1, attached.exit(), attached::toString);
    ok("rm", "unstarted");
    ok("create", "--name", "unexecutable", "busybox", "/etc");
    Cli.Result notExecutableAttached = berthd.ctl("start", "-a", "unexecutable");
    assertEquals(1, notExecutableAttached.exit(), notExecutableAttached::toString);
    assertTrue(notExecutableAttached.stderr().endsWith("exec: \"/etc\": permission denied: unknown\n"),
        notExecutableAttached::toString);
    ok("rm", "unexecutable");
  }

  @Test
  void bindMountIsWritableOrReadOnlyAsAsked() throws Exception {
    Files.writeString(tmp.resolve("in.txt"), "from host\n");
    Cli.Result rw = berthd.ctl("run", "--rm", "-v", tmp + ":/data", "busybox", "sh", "-c",
        "cat /data/in.txt; echo from container > /data/out.txt");
    assertEquals(0, rw.exit(), rw::toString);
    assertEquals("from host\n", rw.out());
    assertEquals("from container\n", Files.readString(tmp.resolve("out.txt")));

    Cli.Result ro = berthd.ctl("run", "--rm", "-v", tmp + ":/data:ro", "busybox", "sh", "-c",
        "cat /data/in.txt; echo again > /data/out.txt");
    assertEquals(1, ro.exit(), ro::toString);
    assertEquals("from host\n", ro.out());
    assertTrue(ro.stderr().contains("Read-only file system"), ro.stderr());
    assertEquals("from container\n", Files.readString(tmp.resolve("out.txt")));
  }

  @Test
  void inspectShowsDockersShape() throws Exception {
    Cli.Result run = berthd.ctl("run", "-d", "--name", "shape", "--memory", "64m", "--memory-reservation", "32m",
        "--oom-kill-disable", "--memory-swappiness", "10", "--cpus", "0.5", "--cpu-shares", "512", "--pids-limit", "50", "--restart",
        "on-failure:3", "-e", "GREETING=hi", "busybox", "sleep", "1000");
    assertEquals(0, run.exit(), run::toString);
    String id = run.out().strip();
    JsonNode c = JSON.readTree(ok("inspect", "shape").stdout()).get(0);
    assertEquals(id, c.get("Id").asText());
    assertEquals("/shape", c.get("Name").asText());
    assertEquals("sleep", c.get("Path").asText());
    assertEquals("1000", c.get("Args").get(0).asText());
    // Docker's Config of run -d on busybox: no stream attached, no entrypoint, no working directory
    JsonNode config = c.get("Config");
    assertFalse(config.get("AttachStdout").asBoolean() || config.get("AttachStderr").asBoolean(), config::toString);
    assertTrue(config.get("Entrypoint").isNull(), config::toString);
    assertEquals("", config.get("WorkingDir").asText(), config::toString);
    JsonNode state = c.get("State");
    assertEquals("running", state.get("Status").asText());
    assertTrue(state.get("Running").asBoolean());
    assertFalse(state.get("Paused").asBoolean());
    assertFalse(state.get("OOMKilled").asBoolean());
    assertTrue(state.get("Pid").asInt() > 1);
    assertEquals(0, state.get("ExitCode").asInt());
    assertFalse(state.get("StartedAt").asText().startsWith("0001"));
    assertEquals(InspectCommand.NEVER, state.get("FinishedAt").asText());
    // the log berthd's monitor writes, a CRI log under berthd's state directory
    Path log = Path.of(c.get("LogPath").asText());
    assertTrue(log.isAbsolute() && Files.isRegularFile(log) && log.endsWith(id + ".log"), c.get("LogPath")::toString);
    JsonNode host = c.get("HostConfig");
    assertEquals(64L << 20, host.get("Memory").asLong());
    assertEquals(32L << 20, host.get("MemoryReservation").asLong());
    assertEquals(SwapLimit.hostAccountsSwap() ? 128L << 20 : -1, host.get("MemorySwap").asLong(),
        "twice the memory, as docker's default");
    Path memoryCgroup = memoryCgroup(state.get("Pid").asInt());
    if (Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
      assertEquals(Long.toString(32L << 20), Files.readString(memoryCgroup.resolve("memory.low")).strip());
      assertFalse(host.get("OomKillDisable").asBoolean(), "discarded on cgroup v2, as docker does");
      assertTrue(run.stderr().contains("WARNING: Your kernel does not support OomKillDisable"), run::toString);
      assertTrue(host.get("MemorySwappiness").isNull(), "discarded on cgroup v2, as docker does");
      assertTrue(run.stderr().contains("Memory swappiness discarded"), run::toString);
    } else {
      assertEquals(Long.toString(32L << 20), Files.readString(memoryCgroup.resolve("memory.soft_limit_in_bytes")).strip());
      assertTrue(Files.readString(memoryCgroup.resolve("memory.oom_control")).contains("oom_kill_disable 1"));
      assertTrue(host.get("OomKillDisable").asBoolean());
      assertEquals("10", Files.readString(memoryCgroup.resolve("memory.swappiness")).strip());
      assertEquals(10, host.get("MemorySwappiness").asInt());
      assertEquals("", run.stderr(), "a memory limit was given: no warning");
    }
    assertEquals(500_000_000L, host.get("NanoCpus").asLong());
    assertEquals(512, host.get("CpuShares").asInt());
    assertEquals(50, host.get("PidsLimit").asInt());
    assertEquals("on-failure", host.get("RestartPolicy").get("Name").asText());
    assertEquals(3, host.get("RestartPolicy").get("MaximumRetryCount").asInt());
    assertTrue(c.get("Config").get("Env").toString().contains("GREETING=hi"), c.get("Config").toString());
    assertEquals("busybox", c.get("Config").get("Image").asText());
    assertTrue(c.get("NetworkSettings").has("IPAddress"));
    assertTrue(c.get("Mounts").isArray());
  }

  @Test
  void inspectNamesTheEtcFilesTheLayersAndTheRunningExecsAsDockers() throws Exception {
    ok("run", "-d", "--name", "paths", "--add-host", "extra.test:10.1.2.3", "busybox", "sleep", "1000");
    JsonNode c = JSON.readTree(ok("inspect", "paths").stdout()).get(0);
    // the files berthd bind-mounts as the container's /etc/hosts, /etc/hostname and /etc/resolv.conf
    Path hosts = Path.of(c.get("HostsPath").asText());
    assertTrue(hosts.isAbsolute() && Files.readString(hosts).contains("extra.test"), c::toString);
    assertEquals(ok("exec", "paths", "cat", "/etc/hosts").out(), Files.readString(hosts));
    assertEquals(ok("exec", "paths", "cat", "/etc/hostname").out(),
        Files.readString(Path.of(c.get("HostnamePath").asText())));
    assertEquals(ok("exec", "paths", "cat", "/etc/resolv.conf").out(),
        Files.readString(Path.of(c.get("ResolvConfPath").asText())));
    assertEquals(hosts + "\n", ok("inspect", "-f", "{{.HostsPath}}", "paths").out(), "a field templates know");

    // the overlay the container runs on, as Docker's overlay driver shows it
    JsonNode driver = c.get("GraphDriver");
    assertEquals(c.get("Driver").asText(), driver.get("Name").asText());
    assertEquals("overlayfs\n", ok("inspect", "-f", "{{.GraphDriver.Name}}", "paths").out());
    JsonNode data = driver.get("Data");
    assertEquals(List.of("LowerDir", "MergedDir", "UpperDir", "WorkDir"), fieldNames(data), "Go's map order");
    ok("exec", "paths", "sh", "-c", "echo layered > /marker");
    assertEquals("layered\n", Files.readString(Path.of(data.get("MergedDir").asText(), "marker")));
    assertEquals("layered\n", Files.readString(Path.of(data.get("UpperDir").asText(), "marker")));
    assertTrue(Files.isRegularFile(Path.of(data.get("LowerDir").asText().split(":")[0], "bin", "busybox")),
        data::toString);
    assertTrue(Files.isDirectory(Path.of(data.get("WorkDir").asText())), data::toString);

    // the running execs: none (null, as Docker's), then the one started
    assertTrue(c.get("ExecIDs").isNull(), c::toString);
    assertEquals("null\n", ok("inspect", "-f", "{{json .ExecIDs}}", "paths").out());
    ok("exec", "-d", "paths", "sleep", "1000");
    JsonNode execs = JSON.readTree(ok("inspect", "-f", "{{json .ExecIDs}}", "paths").out());
    assertEquals(1, execs.size(), execs::toString);
    assertFalse(execs.get(0).asText().isEmpty(), execs::toString);

    // Docker's inspect error for a field the object has not, and exit 64 for a template it cannot read
    Cli.Result unknown = berthd.ctl("inspect", "-f", "{{.Foo}}", "paths");
    assertEquals(1, unknown.exit(), unknown::toString);
    assertEquals("\n", unknown.out());
    assertEquals("template parsing error: template: :1:2: executing \"\" at <.Foo>: map has no entry for key \"Foo\"\n",
        unknown.stderr());
    Cli.Result unreadable = berthd.ctl("inspect", "-f", "{{.Id}} {{nosuch}}", "paths");
    assertEquals(64, unreadable.exit(), unreadable::toString);
    assertEquals("template parsing error: template: :1: function \"nosuch\" not defined\n", unreadable.stderr());

    // ended: the files went with its network endpoint, and no exec runs
    ok("kill", "paths");
    JsonNode stopped = null;
    for (int i = 0; i < 100; i++) {
      stopped = JSON.readTree(ok("inspect", "paths").stdout()).get(0);
      if (stopped.get("HostsPath").asText().isEmpty()) {
        break;
      }
      Thread.sleep(100);
    }
    assertEquals("exited", stopped.get("State").get("Status").asText(), stopped::toString);
    assertEquals("", stopped.get("HostsPath").asText(), stopped::toString);
    assertEquals("", stopped.get("ResolvConfPath").asText(), stopped::toString);
    assertTrue(stopped.get("ExecIDs").isNull(), stopped::toString);
    assertEquals(data.get("UpperDir"), stopped.get("GraphDriver").get("Data").get("UpperDir"));

    // an image, as Docker's containerd image store shows it: the snapshotter alone
    assertEquals("{\"Data\":null,\"Name\":\"overlayfs\"}\n",
        ok("image", "inspect", "-f", "{{json .GraphDriver}}", "busybox").out());
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void cgroupCpuOomAndResolverFlagsReachTheContainer() throws Exception {
    String parent = "berth-test-" + ProcessHandle.current().pid();
    try {
      String id = ok("run", "-d", "--name", "knobs", "--cpu-quota", "50000", "--cpu-period", "200000",
          "--oom-score-adj", "500", "--cgroup-parent", "/" + parent, "--dns-option", "ndots:3", "--domainname",
          "example.test", "busybox", "sleep", "1000").out().strip();
      assertEquals("500\n", ok("exec", "knobs", "cat", "/proc/1/oom_score_adj").out());
      assertEquals("example.test\n", ok("exec", "knobs", "cat", "/proc/sys/kernel/domainname").out());
      assertTrue(ok("exec", "knobs", "cat", "/etc/resolv.conf").out().contains("options ndots:3"));
      JsonNode c = JSON.readTree(ok("inspect", "knobs").stdout()).get(0);
      Path cpu = cgroup(c.get("State").get("Pid").asInt(), "cpu");
      assertTrue(cpu.toString().endsWith("/" + parent + "/" + id), cpu::toString);
      if (Files.exists(cpu.resolve("cpu.max"))) {
        assertEquals("50000 200000", Files.readString(cpu.resolve("cpu.max")).strip());
      } else {
        assertEquals("50000", Files.readString(cpu.resolve("cpu.cfs_quota_us")).strip());
        assertEquals("200000", Files.readString(cpu.resolve("cpu.cfs_period_us")).strip());
      }
      JsonNode host = c.get("HostConfig");
      assertEquals(50000, host.get("CpuQuota").asLong());
      assertEquals(200000, host.get("CpuPeriod").asLong());
      assertEquals(0, host.get("NanoCpus").asLong());
      assertEquals(500, host.get("OomScoreAdj").asInt());
      assertEquals("/" + parent, host.get("CgroupParent").asText());
      assertEquals("[\"ndots:3\"]", host.get("DnsOptions").toString());
      assertEquals("example.test", c.get("Config").get("Domainname").asText());
    } finally {
      berthd.ctl("rm", "-f", "knobs");
      // runtimes leave the parents they made, as docker's do; the test removes its own
      for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
        String controllers = line.split(":", 3)[1];
        if (controllers.isEmpty()) {
          Files.deleteIfExists(Path.of("/sys/fs/cgroup/unified", parent));
          Files.deleteIfExists(Path.of("/sys/fs/cgroup", parent));
        } else {
          Files.deleteIfExists(Path.of("/sys/fs/cgroup", controllers.replace("name=", ""), parent));
        }
      }
    }
  }

  @Test
  void runtimeRuncRunsAndCrunRunsOrIsRefusedWithTheHostsReason() throws Exception {
    assertEquals("ok\n", ok("run", "--rm", "--runtime", "runc", "--userns", "host", "busybox", "echo", "ok").out());
    Cli.Result crun = berthd.ctl("run", "--name", "on-crun", "--runtime", "crun", "busybox", "echo", "ok");
    try {
      if (crun.exit() == 0) {
        assertEquals("ok\n", crun.out());
        assertEquals("crun", JSON.readTree(ok("inspect", "on-crun").stdout()).get(0).get("HostConfig").get("Runtime")
            .asText());
      } else {
        // crun 1.8 refuses a hybrid cgroup layout with controllers on cgroup2, as this machine kind has
        assertEquals(125, crun.exit(), crun::toString);
        assertTrue(crun.stderr().contains("crun refuses this host's"), crun::toString);
      }
    } finally {
      berthd.ctl("rm", "-f", "on-crun");
    }
  }

  @Test
  void cgroupnsPrivateMakesTheContainersCgroupItsRootAndHostShowsTheWholePath() throws Exception {
    String own = ok("run", "--rm", "--cgroupns", "private", "busybox", "cat", "/proc/self/cgroup").out();
    assertTrue(own.lines().allMatch(l -> l.endsWith(":/")), own);
    String id = ok("run", "-d", "--name", "hostns", "--cgroupns", "host", "busybox", "sleep", "1000").out().strip();
    try {
      String hosts = ok("exec", "hostns", "cat", "/proc/self/cgroup").out();
      assertTrue(hosts.lines().anyMatch(l -> l.endsWith("/" + id)), hosts);
      assertEquals("host", JSON.readTree(ok("inspect", "hostns").stdout()).get(0).get("HostConfig")
          .get("CgroupnsMode").asText());
    } finally {
      berthd.ctl("rm", "-f", "hostns");
    }
  }

  @Test
  void memoryAloneLimitsSwapToTwiceItAsDockerAndUpdateKeepsTheRule() throws Exception {
    Assumptions.assumeTrue(SwapLimit.hostAccountsSwap(), "this host's memory cgroup counts no swap");
    try {
      ok("run", "-d", "--name", "swap2x", "--memory", "64m", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "swapfree", "--memory", "64m", "--memory-swap", "-1", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "noswap", "--memory", "64m", "--memory-swap", "64m", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "unlimited", "busybox", "sleep", "1000");
      assertEquals(128L << 20, swapLimit("swap2x"));
      assertEquals(128L << 20, hostConfig("swap2x").get("MemorySwap").asLong());
      assertEquals(-1, hostConfig("swapfree").get("MemorySwap").asLong());
      assertTrue(swapLimit("swapfree") > 1L << 40, "no limit");
      assertEquals(64L << 20, swapLimit("noswap"));
      assertEquals(0, hostConfig("unlimited").get("MemorySwap").asLong());

      ok("update", "--memory", "32m", "unlimited");
      assertEquals(64L << 20, swapLimit("unlimited"), "none before: twice the new limit, as run gives");
      assertEquals(64L << 20, hostConfig("unlimited").get("MemorySwap").asLong());
      ok("update", "--memory", "96m", "swap2x");
      assertEquals(128L << 20, swapLimit("swap2x"), "one it had stays, as in Docker");
      Cli.Result tiny = berthd.ctl("update", "--memory", "4m", "swap2x");
      assertEquals(1, tiny.exit(), tiny::toString);
      assertEquals("Error response from daemon: Minimum memory limit allowed is 6MB\n", tiny.stderr());
      Cli.Result above = berthd.ctl("update", "--memory", "256m", "swap2x");
      assertEquals(1, above.exit(), above::toString);
      assertTrue(above.stderr().contains("memoryswap"), above::toString);
    } finally {
      berthd.ctl("rm", "-f", "swap2x", "swapfree", "noswap", "unlimited");
    }
  }

  @Test
  void updateSetsTheCfsQuotaAndMemoryNodesLiveAndRefusesWhatBerthdCannotSet() throws Exception {
    try {
      ok("run", "-d", "--name", "retuned", "busybox", "sleep", "1000");
      Cli.Result update = ok("update", "--cpu-quota", "50000", "--cpu-period", "200000", "--cpuset-mems", "0",
          "--kernel-memory", "64m", "retuned");
      assertTrue(update.stderr().contains("WARNING: --kernel-memory is deprecated and ignored"), update::toString);
      int pid = JSON.readTree(ok("inspect", "retuned").stdout()).get(0).get("State").get("Pid").asInt();
      Path cpu = cgroup(pid, "cpu");
      if (Files.exists(cpu.resolve("cpu.max"))) {
        assertEquals("50000 200000", Files.readString(cpu.resolve("cpu.max")).strip());
      } else {
        assertEquals("50000", Files.readString(cpu.resolve("cpu.cfs_quota_us")).strip());
        assertEquals("200000", Files.readString(cpu.resolve("cpu.cfs_period_us")).strip());
      }
      assertEquals("0", Files.readString(cgroup(pid, "cpuset").resolve("cpuset.mems")).strip());
      JsonNode host = hostConfig("retuned");
      assertEquals(50000, host.get("CpuQuota").asLong());
      assertEquals(200000, host.get("CpuPeriod").asLong());
      assertEquals("0", host.get("CpusetMems").asText());
      if (!BlockIoFlags.Limit.WEIGHT.supported()) {
        // as Docker's: the weight is dropped, the names printed, then its daemon's warning on standard output
        assertEquals("retuned\nYour kernel does not support Block I/O weight or the cgroup is not mounted. "
            + "Weight discarded.\n", ok("update", "--blkio-weight", "500", "retuned").out());
      } else {
        assertEquals("retuned\n", ok("update", "--blkio-weight", "500", "retuned").out());
        Path blkio = cgroup(pid, "blkio");
        String weight = Files.exists(blkio.resolve("blkio.weight")) ? Files.readString(blkio.resolve("blkio.weight"))
            : Files.readString(blkio.resolve("io.weight"));
        assertTrue(weight.strip().endsWith("500"), weight);
        assertEquals(500, hostConfig("retuned").get("BlkioWeight").asInt());
      }
      for (String flag : List.of("--cpu-rt-period", "--cpu-rt-runtime")) {
        Cli.Result refused = berthd.ctl("update", flag, "500", "retuned");
        assertEquals(1, refused.exit(), refused::toString);
        assertTrue(refused.stderr().contains(flag.substring(0, 8)) && refused.stderr().contains("not supported"),
            refused::toString);
      }
    } finally {
      berthd.ctl("rm", "-f", "retuned");
    }
  }

  @Test
  void blkioWeightIsReadAsDockersCliReadsItsUint16Flag() throws Exception {
    Cli.Result update = berthd.ctl("update", "--blkio-weight", "abc", "nosuch");
    assertEquals(125, update.exit(), update::toString);
    assertEquals("invalid argument \"abc\" for \"--blkio-weight\" flag: strconv.ParseUint: parsing \"abc\": invalid "
        + "syntax\nSee 'berthctl update --help'.\n", update.stderr());
    Cli.Result tooLarge = berthd.ctl("update", "--blkio-weight", "70000", "nosuch");
    assertEquals(125, tooLarge.exit(), tooLarge::toString);
    assertEquals("invalid argument \"70000\" for \"--blkio-weight\" flag: strconv.ParseUint: parsing \"70000\": value "
        + "out of range\nSee 'berthctl update --help'.\n", tooLarge.stderr());
    for (String command : List.of("run", "create")) {
      Cli.Result refused = berthd.ctl(command, "--blkio-weight", "-5", "busybox", "true");
      assertEquals(125, refused.exit(), refused::toString);
      assertEquals("invalid argument \"-5\" for \"--blkio-weight\" flag: strconv.ParseUint: parsing \"-5\": invalid "
          + "syntax\nSee 'berthctl " + command + " --help'.\n", refused.stderr());
    }
    assertEquals(List.of(), containerIds());
    // Go's other bases are taken, as Docker's CLI takes them: 0x1f4 is 500
    ok("create", "--name", "hexweight", "--blkio-weight", "0x1f4", "busybox", "true");
    try {
      int expected = BlockIoFlags.Limit.WEIGHT.supported() ? 500 : 0;
      assertEquals(expected, hostConfig("hexweight").get("BlkioWeight").asInt());
    } finally {
      berthd.ctl("rm", "-f", "hexweight");
    }
  }

  private static JsonNode hostConfig(String container) throws Exception {
    return JSON.readTree(ok("inspect", container).stdout()).get(0).get("HostConfig");
  }

  /** The container's memory plus swap limit in its cgroup: v1's memsw or v2's memory.max plus swap.max. */
  private static long swapLimit(String container) throws Exception {
    int pid = JSON.readTree(ok("inspect", container).stdout()).get(0).get("State").get("Pid").asInt();
    Path memory = memoryCgroup(pid);
    if (Files.exists(memory.resolve("memory.memsw.limit_in_bytes"))) {
      return Long.parseLong(Files.readString(memory.resolve("memory.memsw.limit_in_bytes")).strip());
    }
    String swap = Files.readString(memory.resolve("memory.swap.max")).strip();
    return swap.equals("max") ? Long.MAX_VALUE
        : Long.parseLong(swap) + Long.parseLong(Files.readString(memory.resolve("memory.max")).strip());
  }

  /** The memory cgroup of process {@code pid} on the host: v2's unified one or v1's memory hierarchy. */
  private static Path memoryCgroup(int pid) throws Exception {
    return cgroup(pid, "memory");
  }

  /** The cgroup of process {@code pid} for {@code controller}: v1's hierarchy of it, or v2's unified one. */
  private static Path cgroup(int pid, String controller) throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
      String[] f = line.split(":", 3);
      if (Arrays.asList(f[1].split(",")).contains(controller)) {
        return Path.of("/sys/fs/cgroup/" + f[1] + f[2]);
      }
    }
    String unified = Files.readAllLines(Path.of("/proc/" + pid + "/cgroup")).get(0).split(":", 3)[2];
    return Path.of("/sys/fs/cgroup" + unified);
  }

  @Test
  void attachPicksTheStreamsARunShows() {
    String script = "echo out; echo err >&2";
    Cli.Result errOnly = berthd.ctl("run", "--rm", "-a", "stderr", "busybox", "sh", "-c", script);
    assertEquals(0, errOnly.exit(), errOnly::toString);
    assertEquals("", errOnly.out());
    assertEquals("err\n", errOnly.stderr());
    Cli.Result outOnly = berthd.ctl("run", "--rm", "--attach", "STDOUT", "--sig-proxy=false", "busybox", "sh", "-c",
        script);
    assertEquals("out\n", outOnly.out(), outOnly::toString);
    assertEquals("", outOnly.stderr());
    Cli.Result fed = berthd.ctlWithInput("fed\n".getBytes(StandardCharsets.UTF_8), "run", "--rm", "-i", "-a", "stdin",
        "-a", "stdout", "busybox", "cat");
    assertEquals("fed\n", fed.out(), fed::toString);
    // as Docker's CLI: -i attaches stdin whatever -a names
    Cli.Result interactive = berthd.ctlWithInput("fed\n".getBytes(StandardCharsets.UTF_8), "run", "--rm", "-i", "-a",
        "stdout", "busybox", "sh", "-c", "read -t 10 x; echo \"got $x\"");
    assertEquals("got fed\n", interactive.out(), interactive::toString);

    Cli.Result detached = berthd.ctl("run", "-d", "-a", "stdout", "busybox", "true");
    // refused by Docker's client itself: its words alone, exit 1
    assertEquals(1, detached.exit(), detached::toString);
    assertEquals("Conflicting options: -a and -d\n", detached.stderr());
    assertEquals(125, berthd.ctl("run", "--rm", "-a", "stdall", "busybox", "true").exit());
    assertEquals(List.of(), containerIds());
  }

  @Test
  void terminalModeGivesTheProcessAPty() {
    Cli.Result r = berthd.ctl("run", "--rm", "-t", "busybox", "sh", "-c", "test -t 0 && test -t 1 && echo tty");
    assertEquals(0, r.exit(), r::toString);
    assertEquals("tty\r\n", r.out());
  }

  @Test
  void processFlagsReachTheContainer() throws Exception {
    Files.writeString(tmp.resolve("env"), "# comment\nFROM_FILE=yes\n");
    Cli.Result r = berthd.ctl("run", "--rm", "--hostname", "box", "-w", "/tmp", "--env-file",
        tmp.resolve("env").toString(), "-e", "ONE=1", "--read-only", "--tmpfs", "/scratch", "--entrypoint", "sh",
        "busybox", "-c", "hostname; pwd; echo $FROM_FILE$ONE; echo x > /scratch/f && cat /scratch/f; touch /etc/no");
    assertEquals(1, r.exit(), r::toString);
    assertEquals("box\n/tmp\nyes1\nx\n", r.out());
    assertTrue(r.stderr().contains("Read-only file system"), r.stderr());
  }

  @Test
  void minusHIsTheHostnameOfRunAndCreateAsDockersAndHelpIsMinusMinusHelp() {
    // docker run -h NAME: no help printed instead of running the container
    Cli.Result run = berthd.ctl("run", "--rm", "-h", "box", "busybox", "hostname");
    assertEquals(0, run.exit(), run::toString);
    assertEquals("box\n", run.out());
    ok("create", "-h", "made", "--name", "minus-h", "busybox", "true");
    assertEquals("made\n", ok("inspect", "-f", "{{.Config.Hostname}}", "minus-h").out());
    ok("rm", "minus-h");
    for (String command : List.of("run", "create")) {
      Cli.Result help = berthd.ctl(command, "--help");
      assertEquals(0, help.exit(), help::toString);
      assertTrue(help.out().contains("-h, --hostname=NAME"), help.out());
    }
    assertEquals(0, berthd.ctl("ps", "-h").exit(), "other commands' -h is still their help");
  }

  @Test
  void initRunsAsPidOneAndPassesTheExitCodeOn() {
    Assumptions.assumeTrue(Files.isExecutable(ContainerCreator.INIT_BINARY),
        ContainerCreator.INIT_BINARY + " is missing (Debian's package tini)");
    Cli.Result ps = ok("run", "--rm", "--init", "busybox", "ps");
    assertTrue(ps.out().lines().anyMatch(l -> l.matches("\\s*1\\s+.*/sbin/docker-init -- ps")), ps.out());
    assertEquals(3, berthd.ctl("run", "--rm", "--init", "busybox", "sh", "-c", "exit 3").exit());
    // shown as the user's command, as Docker shows it
    ok("create", "--init", "--name", "initialised", "busybox", "sleep", "1000");
    assertEquals("\"sleep 1000\"\n", ok("ps", "-a", "--filter", "name=initialised", "--format", "{{.Command}}").out());
    assertEquals("sleep [1000]\n", ok("inspect", "-f", "{{.Path}} {{.Args}}", "initialised").out());
    ok("rm", "initialised");
  }
}
