package dev.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.testing.LoopbackRegistry;
import dev.berth.e2e.PrivateBerthd.Result;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * bin/berthctl's pull and push print what Docker 24+ prints (moby's distribution package and
 * docker/cli's push and pull), line for line where scripts read them, against Debian's
 * docker-registry on 127.0.0.1 without auth.
 */
class RegistryOutputAsDockerTest {
  private BerthdWithRegistry rig;
  private PrivateBerthd berthd;
  private LoopbackRegistry registry;

  @BeforeEach
  void start() throws Exception {
    rig = BerthdWithRegistry.start(LoopbackRegistry::start);
    berthd = rig.berthd();
    registry = rig.registry();
  }

  @AfterEach
  void stop() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void pullOfATagRemovedHereTellsEachLayerOnceAndTheNewTag() throws Exception {
    String repo = registry.host() + "/out/bb";
    berthd.ok("tag", "busybox", repo + ":1");
    berthd.ok("push", repo + ":1");
    berthd.ok("tag", repo + ":1", repo + ":keep");
    berthd.ok("rmi", repo + ":1");

    Result pulled = berthd.ok("pull", repo + ":1");
    assertEquals(repo + ":1\n", pulled.out());
    List<String> lines = pulled.err().lines().toList();
    // the repository's path on the registry, then each layer (not the config) once, as present
    assertEquals("1: Pulling from out/bb", lines.get(0), pulled::toString);
    List<String> layers = lines.subList(1, lines.size() - 2);
    assertTrue(!layers.isEmpty() && layers.stream().allMatch(l -> l.matches("[0-9a-f]{12}: Already exists")),
        pulled::toString);
    assertTrue(lines.get(lines.size() - 2).startsWith("Digest: sha256:"), pulled::toString);
    // the tag is new here, although nothing was fetched
    assertEquals("Status: Downloaded newer image for " + repo + ":1", lines.get(lines.size() - 1));

    Result again = berthd.ok("pull", repo + ":1");
    assertTrue(again.err().endsWith("Status: Image is up to date for " + repo + ":1\n"), again::toString);

    // by digest: Docker 27's daemon heads it with the whole reference, and the tags of the
    // repository here that have that digest make it up to date
    String digest = registry.manifestDigest("out/bb", "1");
    Result byDigest = berthd.ok("pull", repo + "@" + digest);
    assertEquals(repo + "@" + digest + "\n", byDigest.out());
    assertTrue(byDigest.err().startsWith(repo + "@" + digest + ": Pulling from out/bb\n"), byDigest::toString);
    assertTrue(byDigest.err().endsWith("\nStatus: Image is up to date for " + repo + "@" + digest + "\n"),
        byDigest::toString);
    assertEquals(List.of(repo + " 1 " + digest, repo + " keep " + digest), berthd.ok("images", "--format",
        "{{.Repository}} {{.Tag}} {{.Digest}}", repo).out().lines().sorted().toList());
    assertEquals("", berthd.ok("images", "-q", "-f", "dangling=true").out(), "tagged, so not dangling");
    // the same digest in another repository here does not make it so
    String other = registry.host() + "/out/other";
    berthd.ok("tag", "busybox", other + ":1");
    berthd.ok("push", other + ":1");
    berthd.ok("rmi", other + ":1");
    Result elsewhere = berthd.ok("pull", other + "@" + digest);
    assertTrue(elsewhere.err().endsWith("\nStatus: Downloaded newer image for " + other + "@" + digest + "\n"),
        elsewhere::toString);

    Result missing = berthd.berthctl("pull", repo + ":2");
    assertEquals(1, missing.exit(), missing::toString);
    assertEquals("Error response from daemon: manifest for " + repo + ":2 not found: manifest unknown: manifest"
        + " unknown\n", missing.err());
    Result noTag = berthd.berthctl("pull", repo);
    assertEquals("Using default tag: latest\n", noTag.out());
    assertEquals("Error response from daemon: manifest for " + repo + ":latest not found: manifest unknown: manifest"
        + " unknown\n", noTag.err());
  }

  @Test
  void pullAllTagsPullsEachTagTheRegistryListsThenOneStatus() throws Exception {
    String repo = registry.host() + "/out/all";
    for (String tag : List.of("1", "2")) {
      berthd.ok("tag", "busybox", repo + ":" + tag);
      berthd.ok("push", repo + ":" + tag);
    }
    berthd.ok("rmi", repo + ":1", repo + ":2");

    Result pulled = berthd.ok("pull", "-a", repo);
    // moby's pullRepository: no default tag, each tag's own heading and digest, one status for the
    // repository; docker/cli then prints the name it was given, normalized
    assertEquals(repo + "\n", pulled.out());
    List<String> lines = pulled.err().lines().toList();
    List<String> headings = lines.stream().filter(l -> l.contains(": Pulling from ")).sorted().toList();
    assertEquals(List.of("1: Pulling from out/all", "2: Pulling from out/all"), headings, pulled::toString);
    assertEquals(2, lines.stream().filter(l -> l.startsWith("Digest: sha256:")).count(), pulled::toString);
    assertEquals("Status: Downloaded newer image for " + repo, lines.get(lines.size() - 1));
    assertEquals(List.of(repo + " 1", repo + " 2"), berthd.ok("images", "--format", "{{.Repository}} {{.Tag}}", repo)
        .out().lines().sorted().toList());

    Result again = berthd.ok("pull", "--all-tags", repo);
    assertTrue(again.err().endsWith("Status: Image is up to date for " + repo + "\n"), again::toString);
    assertEquals(repo + "\n", berthd.ok("pull", "-a", "-q", repo).out());

    Result tagged = berthd.berthctl("pull", "-a", repo + ":1");
    assertEquals(1, tagged.exit(), tagged::toString);
    assertEquals("tag can't be used with --all-tags/-a\n", tagged.err());
    Result unknown = berthd.berthctl("pull", "-a", registry.host() + "/out/nosuch");
    assertEquals(1, unknown.exit(), unknown::toString);
    assertEquals("Error response from daemon: repository " + registry.host() + "/out/nosuch not found: name unknown:"
        + " repository name not known to registry\n", unknown.err());
  }

  @Test
  void pushListsLayersAndEndsWithTheManifestsSize() throws Exception {
    String repo = registry.host() + "/out/bb";
    berthd.ok("tag", "busybox", repo + ":1");
    Result pushed = berthd.ok("push", repo + ":1");
    String digest = registry.manifestDigest("out/bb", "1");
    int size = registry.manifest("out/bb", "1").length;
    assertEquals("1: digest: " + digest + " size: " + size + "\n", pushed.out());
    List<String> lines = pushed.err().lines().toList();
    assertEquals("The push refers to repository [" + repo + "]", lines.get(0));
    // layers only: the config goes unlisted, as in Docker; no "Pushing 0B/2MB", which Docker's CLI
    // shows on a terminal only
    assertTrue(lines.stream().skip(1).allMatch(l -> l.matches("[0-9a-f]{12}: (Preparing|Pushed)")),
        pushed::toString);
    assertTrue(lines.stream().skip(1).map(l -> l.substring(0, 12)).distinct().count()
        == lines.stream().filter(l -> l.endsWith(": Pushed")).count(), pushed::toString);

    assertEquals(repo + ":1\n", berthd.ok("push", "-q", repo + ":1").out());
    // into another repository of the registry: each layer mounted, as Docker says it
    berthd.ok("tag", "busybox", registry.host() + "/out/copy:1");
    Result mounted = berthd.ok("push", registry.host() + "/out/copy:1");
    assertTrue(mounted.err().lines().skip(1).allMatch(l -> l.matches("[0-9a-f]{12}: (Preparing|Mounted from out/bb)")),
        mounted::toString);
    assertTrue(mounted.err().contains(": Mounted from out/bb\n"), mounted::toString);

    Result noSuchTag = berthd.berthctl("push", repo + ":9");
    assertEquals(1, noSuchTag.exit(), noSuchTag::toString);
    assertEquals("The push refers to repository [" + repo + "]\ntag does not exist: " + repo + ":9\n",
        noSuchTag.err());
    Result noSuchRepository = berthd.berthctl("push", registry.host() + "/out/none");
    assertEquals("Using default tag: latest\n", noSuchRepository.out());
    assertEquals("The push refers to repository [" + registry.host() + "/out/none]\nAn image does not exist locally"
        + " with the tag: " + registry.host() + "/out/none\n", noSuchRepository.err());
  }
}
