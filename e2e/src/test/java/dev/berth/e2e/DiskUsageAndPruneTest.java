package dev.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.client.testing.TestImages;
import dev.berth.e2e.PrivateBerthd.Result;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * {@code system df} and every prune command through bin/berthctl against a bin/berthd of the
 * test's own, as a Docker user runs them: the {@code [y/N]} question, what each removes and
 * keeps, and the space reported. The tests build on one another, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DiskUsageAndPruneTest {
  private static PrivateBerthd berthd;

  @BeforeAll
  static void start() throws Exception {
    berthd = PrivateBerthd.start();
    ok("load", "-i", TestImages.busyboxLayered().writeDockerArchive(berthd.work().resolve("layered.tar")).toString());
  }

  @AfterAll
  static void stop() throws Exception {
    if (berthd != null) {
      berthd.close();
    }
  }

  private static Result berthctl(String... args) throws Exception {
    return berthd.berthctl(args);
  }

  private static Result berthctlWithInput(String input, String... args) throws Exception {
    return berthd.berthctlWithInput(input, args);
  }

  private static Result ok(String... args) throws Exception {
    return berthd.ok(args);
  }

  /** The words of the df row of {@code type}. */
  private static List<String> row(String df, String type) {
    return df.lines().filter(l -> l.startsWith(type + " ")).findFirst()
        .map(l -> List.of(l.substring(type.length()).trim().split("\\s{2,}")))
        .orElseThrow(() -> new AssertionError("no " + type + " row in\n" + df));
  }

  @Test
  @Order(1)
  void systemDfCountsImagesContainersVolumesAndBuildCache() throws Exception {
    ok("run", "-d", "--name", "gc-keep", "-v", "gc-vol:/data", "busybox", "sleep", "1000");
    ok("run", "--name", "gc-done", "busybox", "sh", "-c", "echo written > /made-here");
    // a second name for busybox: still one image, as Docker counts images by id
    ok("tag", "busybox", "gc-alias:1");
    String df = ok("system", "df").out();
    assertTrue(df.lines().findFirst().orElseThrow().matches("TYPE\\s+TOTAL\\s+ACTIVE\\s+SIZE\\s+RECLAIMABLE\\s*"), df);
    List<String> images = row(df, "Images");
    assertEquals(List.of("2", "1"), images.subList(0, 2), df);
    assertTrue(images.get(2).matches("[0-9.]+(kB|MB)"), df);
    assertEquals(List.of("2", "1"), row(df, "Containers").subList(0, 2), df);
    assertEquals(List.of("1", "1"), row(df, "Local Volumes").subList(0, 2), df);
    assertEquals(List.of("0", "0", "0B", "0B"), row(df, "Build Cache"), df);
    assertTrue(ok("system", "df", "--format", "{{.Type}}={{.TotalCount}}/{{.Active}}").out()
        .contains("Containers=2/1\n"), "Docker's template fields");
    String json = ok("system", "df", "--format", "json").out();
    assertTrue(json.lines().anyMatch(l -> l.startsWith("{\"Active\":\"1\",") && l.contains("\"Type\":\"Local Volumes\"")),
        json);

    String verbose = ok("system", "df", "-v").out();
    assertTrue(verbose.contains("Images space usage:") && verbose.contains("busybox-layered"), verbose);
    assertTrue(verbose.lines().anyMatch(l -> l.startsWith("busybox ") && l.endsWith(" 2")),
        "one row for busybox's id, with both its containers: " + verbose);
    assertFalse(verbose.contains("gc-alias"), "its other name is no image of its own: " + verbose);
    ok("rmi", "gc-alias:1");
    // Docker's columns, with ps's COMMAND (an argument holding a space in quotes) and STATUS
    assertTrue(verbose.lines().anyMatch(l -> l.matches(
        "CONTAINER ID\\s+IMAGE\\s+COMMAND\\s+LOCAL VOLUMES\\s+SIZE\\s+CREATED\\s+STATUS\\s+NAMES\\s*")), verbose);
    assertTrue(verbose.lines().anyMatch(l -> l.matches(
        "[0-9a-f]{12}\\s+busybox\\s+\"sh -c 'echo written…\"\\s+0\\s+\\S+\\s+.* ago\\s+Exited \\(0\\) .* ago\\s+gc-done")),
        verbose);
    assertTrue(verbose.lines().anyMatch(l -> l.matches(
        "[0-9a-f]{12}\\s+busybox\\s+\"sleep 1000\"\\s+1\\s+\\S+\\s+.* ago\\s+Up .*\\s+gc-keep")), verbose);
    assertTrue(verbose.lines().anyMatch(l -> l.startsWith("gc-vol ") && l.contains(" 1 ")), verbose);
  }

  @Test
  @Order(2)
  void containerPruneAsksThenRemovesOnlyStoppedContainers() throws Exception {
    Result declined = berthctlWithInput("n\n", "container", "prune");
    assertEquals(0, declined.exit(), declined::toString);
    assertTrue(declined.out().startsWith("WARNING! This will remove all stopped containers.\n"
        + "Are you sure you want to continue? [y/N] "), declined.out());
    assertTrue(ok("ps", "-a").out().contains("gc-done"), "a no keeps everything");

    String id = ok("container", "records").out().lines().filter(l -> l.contains(" gc-done ")).findFirst()
        .orElseThrow().split("\\s+")[0];
    Result pruned = berthctlWithInput("y\n", "container", "prune");
    assertEquals(0, pruned.exit(), pruned::toString);
    assertTrue(pruned.out().contains("Deleted Containers:\n" + id + "\n"), pruned.out());
    assertTrue(pruned.out().matches("(?s).*Total reclaimed space: [0-9.]+(B|kB)\n"), pruned.out());
    String ps = ok("ps", "-a").out();
    assertFalse(ps.contains("gc-done"), ps);
    assertTrue(ps.contains("gc-keep"), "a running container stays: " + ps);
  }

  @Test
  @Order(3)
  void networkPruneRemovesUnusedNetworksButTheDefault() throws Exception {
    ok("network", "create", "gc-unused", "--subnet", "10.231.7.0/24");
    ok("network", "create", "gc-labelled", "--subnet", "10.231.8.0/24", "--label", "team=gc");
    Result filtered = ok("network", "prune", "-f", "--filter", "label=team=gc");
    assertEquals("Deleted Networks:\ngc-labelled\n\n", filtered.out());
    Result pruned = ok("network", "prune", "--force");
    assertTrue(pruned.out().contains("gc-unused"), pruned.out());
    String networks = ok("network", "ls", "--format", "{{.Name}}").out();
    assertFalse(networks.contains("gc-"), networks);
    assertTrue(networks.contains("bridge"), networks);
  }

  @Test
  @Order(4)
  void anImageAContainerUsesStaysAfterTheNameItWasCreatedThroughIsUntagged() throws Exception {
    ok("tag", "busybox-layered", "gc-via:1");
    String id = ok("create", "--name", "gc-via", "gc-via:1", "true").out().strip();
    assertEquals("Untagged: gc-via:1\n", ok("rmi", "gc-via:1").out(), "busybox-layered still holds the image");
    assertEquals("Total reclaimed space: 0B\n", ok("image", "prune", "-a", "-f").out(),
        "gc-via uses busybox-layered's image, gc-keep busybox's");
    Result refused = berthctl("rmi", "busybox-layered");
    assertEquals(1, refused.exit(), refused::toString);
    assertTrue(refused.err().contains("conflict: unable to remove repository reference \"busybox-layered\" "
        + "(must force) - container " + id.substring(0, 12) + " is using its referenced image "), refused::toString);
    String df = ok("system", "df").out();
    assertEquals(List.of("2", "2"), row(df, "Images").subList(0, 2), "both images have a container: " + df);
    ok("commit", "gc-via", "gc-via-commit:1");
    ok("rmi", "gc-via-commit:1");
    ok("rm", "gc-via");
  }

  @Test
  @Order(5)
  void imagePruneRemovesUnusedImagesAndTheirBlobsOnlyWithAll() throws Exception {
    Result dangling = ok("image", "prune", "-f");
    // what the rmi above left to the collector is no prune's to report
    assertEquals("Total reclaimed space: 0B\n", dangling.out(), "no image is known by digest alone: none dangles");
    Result all = ok("image", "prune", "-a", "-f");
    assertTrue(all.out().startsWith("Deleted Images:\nuntagged: busybox-layered:latest\ndeleted: sha256:"), all.out());
    assertFalse(all.out().contains("untagged: busybox:latest"), "gc-keep uses busybox: " + all.out());
    assertTrue(all.out().matches("(?s).*\n\nTotal reclaimed space: [0-9.]+kB\n"), all.out());
    String images = ok("images", "--format", "{{.Repository}}:{{.Tag}}").out();
    assertEquals("busybox:latest\n", images);
  }

  @Test
  @Order(6)
  void systemPruneWithAllAndVolumesLeavesNothingUnused() throws Exception {
    ok("stop", "-t", "0", "gc-keep");
    Result declined = berthctlWithInput("\n", "system", "prune", "-a", "--volumes");
    assertTrue(declined.out().startsWith("WARNING! This will remove:\n  - all stopped containers\n"
        + "  - all networks not used by at least one container\n"
        + "  - all anonymous volumes not used by at least one container\n"
        + "  - all images without at least one container associated to them\n  - all build cache\n"), declined.out());
    assertTrue(ok("ps", "-aq").out().length() > 0, "an empty answer is no");

    Result pruned = ok("system", "prune", "-a", "--volumes", "-f");
    assertTrue(pruned.out().contains("Deleted Containers:\n"), pruned.out());
    assertTrue(pruned.out().contains("untagged: busybox:latest\n"), pruned.out());
    assertTrue(pruned.out().matches("(?s).*Total reclaimed space: [0-9.]+MB\n"), pruned.out());
    String df = ok("system", "df").out();
    assertEquals(List.of("0", "0", "0B", "0B"), row(df, "Images"), df);
    assertEquals(List.of("0", "0", "0B", "0B"), row(df, "Containers"), df);
    assertEquals(List.of("1", "0"), row(df, "Local Volumes").subList(0, 2), "a named volume stays: " + df);
    assertEquals("", ok("content", "ls", "-q").out(), "the collection left no blob");
    assertEquals("", ok("snapshot", "ls", "-q").out(), "nor any snapshot");
  }
}
