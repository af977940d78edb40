package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import containerd.services.snapshots.v1.PrepareSnapshotRequest;
import containerd.services.snapshots.v1.SnapshotsGrpc;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * berthctl snapshot ls, tree, usage, mounts and rm on the snapshots of a loaded three-layer
 * image, with what mounts prints run by the shell as root.
 */
class SnapshotCommandOverUnixSocketTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TestImage LAYERED = TestImages.busyboxLayered();
  private static final String CONTAINER = "my-container";

  @TempDir
  Path dir;

  @RegisterExtension
  final BerthOnSocket berth = new BerthOnSocket();
  private List<String> chain;

  @BeforeEach
  void start() throws Exception {
    Cli.Result load = berth.ctlWithInput(LAYERED.dockerArchive(), "load");
    assertEquals(0, load.exit(), load::toString);
    chain = LAYERED.chainIds();
    SnapshotsGrpc.newBlockingStub(berth.channel("default")).prepare(PrepareSnapshotRequest.newBuilder()
        .setSnapshotter("overlayfs").setKey(CONTAINER).setParent(LAYERED.topChainId()).build());
  }

  @Test
  void lsShowsKeysParentsAndKinds() throws Exception {
    List<List<String>> rows = berth.ctl("snapshot", "ls").out().lines()
        .map(l -> List.of(l.split("\\s{2,}"))).toList();
    assertEquals(List.of("KEY", "PARENT", "KIND"), rows.get(0));
    assertTrue(rows.contains(List.of(chain.get(0), "Committed")), rows.toString());
    assertTrue(rows.contains(List.of(chain.get(1), chain.get(0), "Committed")), rows.toString());
    assertTrue(rows.contains(List.of(chain.get(2), chain.get(1), "Committed")), rows.toString());
    assertTrue(rows.contains(List.of(CONTAINER, chain.get(2), "Active")), rows.toString());
    assertEquals(5, rows.size());

    JsonNode json = JSON.readTree(berth.ctl("snapshots", "ls", "--format", "json").stdout());
    assertEquals(4, json.size());
    for (JsonNode s : json) {
      boolean layer = chain.contains(s.get("key").asText());
      assertEquals(layer ? s.get("key").asText() : null, s.get("labels").path("containerd.io/snapshot.ref").textValue(),
          "unpacked layers are labelled with their chain ID");
      assertEquals(layer ? "committed" : "active", s.get("kind").asText());
    }
    assertEquals(List.of(chain.get(0), chain.get(1), chain.get(2), CONTAINER).stream().sorted().toList(),
        berth.ctl("snapshot", "ls", "-q").out().lines().toList());
  }

  @Test
  void treeIndentsEachSnapshotUnderItsParent() {
    assertEquals(chain.get(0) + "\n"
        + "  \\_ " + chain.get(1) + "\n"
        + "    \\_ " + chain.get(2) + "\n"
        + "      \\_ " + CONTAINER + "\n", berth.ctl("snapshot", "tree").out());
  }

  @Test
  void usageMeasuresEachLayerOnItsOwn() throws Exception {
    JsonNode usage = JSON.readTree(berth.ctl("snapshot", "usage", "--format", "json").stdout());
    assertEquals(4, usage.size());
    JsonNode base = JSON.readTree(berth.ctl("snapshot", "usage", chain.get(0), "--format", "json").stdout()).get(0);
    assertTrue(base.get("size").asLong() >= Files.size(TestImages.BUSYBOX_BINARY), base.toString());
    assertTrue(base.get("inodes").asLong() > TestImages.APPLETS.size(), base.toString());
    List<String> table = berth.ctl("snapshot", "usage", CONTAINER).out().lines().toList();
    assertEquals(List.of("KEY", "SIZE", "INODES"), List.of(table.get(0).split("\\s{2,}")));
    assertTrue(table.get(1).startsWith(CONTAINER), table.toString());
  }

  @Test
  void mountsPrintsACommandThatMountsTheImageFileSystem() throws Exception {
    Path target = Files.createDirectories(dir.resolve("rootfs"));
    Cli.Result r = berth.ctl("snapshot", "mounts", target.toString(), CONTAINER);
    assertEquals(0, r.exit(), r::toString);
    String command = r.out().strip();
    assertTrue(command.startsWith("mount -t overlay overlay " + target + " -o "), command);
    assertTrue(command.contains("lowerdir=") && command.contains("upperdir=") && command.contains("workdir="), command);

    sh(command);
    try {
      assertArrayEquals(Files.readAllBytes(TestImages.BUSYBOX_BINARY), Files.readAllBytes(target.resolve("bin/busybox")));
      assertTrue(Files.notExists(target.resolve("etc/motd")));
      assertEquals(TestImages.DATA_NEW_CONTENT, Files.readString(target.resolve("srv/data/new.txt")));
      Files.writeString(target.resolve("tmp/written"), "by the container");
    } finally {
      sh("umount " + target);
    }
    JsonNode usage = JSON.readTree(berth.ctl("snapshot", "usage", CONTAINER, "--format", "json").stdout()).get(0);
    assertTrue(usage.get("size").asLong() > 0, "the write landed in the active snapshot: " + usage);
  }

  @Test
  void rmRefusesAParentWithChildrenAndRemovesTheRest() {
    Cli.Result parent = berth.ctl("snapshot", "rm", chain.get(2));
    assertEquals(1, parent.exit(), parent::toString);
    assertTrue(parent.stderr().startsWith("Error response from daemon: "), parent.stderr());

    Cli.Result r = berth.ctl("snapshot", "rm", CONTAINER, "nosuch", chain.get(2));
    assertEquals(1, r.exit(), r::toString);
    assertEquals(CONTAINER + "\n" + chain.get(2) + "\n", r.out());
    assertEquals("no such snapshot: nosuch\n", r.stderr());
    assertEquals(List.of(chain.get(0), chain.get(1)).stream().sorted().toList(),
        berth.ctl("snapshot", "ls", "-q").out().lines().toList());
  }

  private static void sh(String command) throws Exception {
    Process p = new ProcessBuilder("sh", "-c", command).redirectErrorStream(true).start();
    try {
      assertTrue(p.waitFor(10, TimeUnit.SECONDS), command);
      assertEquals(0, p.exitValue(), command + ": " + new String(p.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8));
    } finally {
      p.destroyForcibly();
    }
  }
}
