package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.Digests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** berthctl content against the real content and metadata services on a Unix socket. */
class ContentCommandOverUnixSocketTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path dir;

  @RegisterExtension
  final BerthOnSocket berth = new BerthOnSocket();

  @Test
  void ingestedFileComesBackByteIdenticalToStdoutAndToAFile() throws Exception {
    byte[] data = random(5 * (1 << 20) + 12345, 1);
    Path file = Files.write(dir.resolve("blob.bin"), data);
    String digest = Digests.sha256(data);

    Cli.Result ingest = berth.ctl("content", "ingest", "blob-1", file.toString());
    assertEquals(0, ingest.exit(), ingest::toString);
    assertEquals(digest + "\n", ingest.out());
    assertEquals("", ingest.stderr(), "no progress bar when stderr is no terminal");

    Cli.Result toStdout = berth.ctl("content", "get", digest);
    assertEquals(0, toStdout.exit(), toStdout::toString);
    assertArrayEquals(data, toStdout.stdout());

    Path copy = dir.resolve("out").resolve("copy.bin");
    Files.createDirectories(copy.getParent());
    Cli.Result toFile = berth.ctl("content", "get", digest, "-o", copy.toString());
    assertEquals(0, toFile.exit(), toFile::toString);
    assertEquals("", toFile.out());
    assertArrayEquals(data, Files.readAllBytes(copy));
    assertEquals(List.of(copy), Files.list(copy.getParent()).toList(), "no temporary file left");
  }

  @Test
  void stdinIngestTakesLabelsAndChecksTheExpectedDigestAndSize() throws Exception {
    byte[] data = "{\"config\":true}".getBytes(StandardCharsets.UTF_8);
    String digest = Digests.sha256(data);
    Cli.Result r = berth.ctlWithInput(data, "content", "ingest", "cfg", "--label", "purpose=demo",
        "--expected-digest", digest, "--expected-size", String.valueOf(data.length));
    assertEquals(0, r.exit(), r::toString);
    assertEquals(digest + "\n", r.out());

    JsonNode info = JSON.readTree(berth.ctl("content", "info", digest, "--format", "json").stdout());
    assertEquals(digest, info.get("digest").asText());
    assertEquals(data.length, info.get("size").asLong());
    assertEquals("demo", info.get("labels").get("purpose").asText());
  }

  @Test
  void emptyInputIsTheEmptyBlob() {
    Cli.Result r = berth.ctlWithInput(new byte[0], "content", "ingest", "empty");
    assertEquals(0, r.exit(), r::toString);
    assertEquals(Digests.sha256(new byte[0]) + "\n", r.out());
    assertArrayEquals(new byte[0], berth.ctl("content", "get", r.out().strip()).stdout());
  }

  @Test
  void ingestOfContentAlreadyThereSucceedsWithItsDigest() throws Exception {
    byte[] data = random(1000, 2);
    String digest = Digests.sha256(data);
    assertEquals(0, berth.ctlWithInput(data, "content", "ingest", "first").exit());

    // refused at COMMIT, once the digest is known
    Cli.Result again = berth.ctlWithInput(data, "content", "ingest", "second");
    assertEquals(0, again.exit(), again::toString);
    assertEquals(digest + "\n", again.out());
    // refused at STAT, the expected digest being declared up front
    Cli.Result declared = berth.ctlWithInput(data, "content", "ingest", "third", "--expected-digest", digest);
    assertEquals(0, declared.exit(), declared::toString);
    assertEquals(digest + "\n", declared.out());
  }

  @Test
  void wrongExpectedDigestFailsInOneLineAndStoresNothing() throws Exception {
    byte[] data = random(2000, 3);
    String wrong = Digests.sha256(new byte[] {1});
    Cli.Result r = berth.ctlWithInput(data, "content", "ingest", "bad", "--expected-digest", wrong);
    assertEquals(1, r.exit(), r::toString);
    assertTrue(r.stderr().startsWith("Error response from daemon: ") && r.stderr().contains(wrong), r::toString);
    assertEquals(1, r.stderr().lines().count(), r::toString);
    assertEquals("", berth.ctl("content", "ls", "-q").out());
  }

  @Test
  void listsAsTableJsonAndDigestsAndAppliesFilters() throws Exception {
    String a = ingest("a", random(3000, 4), "--label", "purpose=demo");
    String b = ingest("b", random(5000, 5));

    Cli.Result table = berth.ctl("content", "ls");
    assertEquals(0, table.exit(), table::toString);
    List<String> lines = table.out().lines().toList();
    assertTrue(lines.get(0).matches("DIGEST +SIZE +AGE +LABELS"), lines.get(0));
    assertEquals(3, lines.size(), table::toString);
    String rowA = lines.stream().filter(l -> l.startsWith(a)).findFirst().orElseThrow();
    assertTrue(rowA.contains("3kB") && rowA.contains(" ago") && rowA.endsWith("purpose=demo"), rowA);

    assertEquals(new TreeSet<>(Set.of(a, b)), new TreeSet<>(berth.ctl("content", "ls", "-q").out().lines().toList()));

    JsonNode json = JSON.readTree(berth.ctl("content", "ls", "--format", "json").stdout());
    assertTrue(json.isArray());
    assertEquals(2, json.size());
    for (JsonNode blob : json) {
      assertEquals(Set.of("digest", "size", "created", "updated", "labels"), fieldNames(blob));
    }

    Cli.Result filtered = berth.ctl("content", "ls", "-q", "labels.purpose==demo");
    assertEquals(a + "\n", filtered.out(), filtered::toString);
  }

  @Test
  void labelSetsAndRemovesOnlyTheNamedLabels() throws Exception {
    String d = ingest("l", random(100, 6), "--label", "keep=1", "--label", "drop=2");
    Cli.Result r = berth.ctl("content", "label", d, "new=3", "drop=");
    assertEquals(0, r.exit(), r::toString);
    assertEquals(d + "\n", r.out());
    JsonNode labels = JSON.readTree(berth.ctl("content", "info", d, "--format", "json").stdout()).get("labels");
    assertEquals(Set.of("keep", "new"), fieldNames(labels));
    assertEquals("3", labels.get("new").asText());

    Cli.Result human = berth.ctl("content", "info", d);
    assertTrue(human.out().contains("Digest:   " + d) && human.out().contains("  keep=1\n  new=3\n"), human::toString);
  }

  @Test
  void removedContentIsReportedAsNoSuchContent() throws Exception {
    String d = ingest("r", random(100, 7));
    String absent = Digests.sha256(new byte[] {9});

    Cli.Result rm = berth.ctl("content", "rm", absent, d);
    assertEquals(1, rm.exit(), rm::toString);
    assertEquals(d + "\n", rm.out(), "the present one is removed all the same");
    assertEquals("no such content: " + absent + "\n", rm.stderr());

    for (String[] args : new String[][] {{"content", "info", d}, {"content", "get", d},
        {"content", "label", d, "k=v"}, {"content", "rm", d}}) {
      Cli.Result r = berth.ctl(args);
      assertEquals(1, r.exit(), r::toString);
      assertEquals("no such content: " + d + "\n", r.stderr(), r::toString);
      assertEquals("", r.out());
    }
    Path target = dir.resolve("never.bin");
    assertEquals(1, berth.ctl("content", "get", d, "-o", target.toString()).exit());
    assertFalse(Files.exists(target));
    assertEquals(List.of(), Files.list(dir).filter(p -> p.getFileName().toString().startsWith(".never")).toList());
  }

  @Test
  void malformedDigestGivesTheServersReason() {
    Cli.Result r = berth.ctl("content", "info", "sha256:zz");
    assertEquals(1, r.exit(), r::toString);
    assertTrue(r.stderr().startsWith("Error response from daemon: ") && r.stderr().contains("sha256:zz"), r::toString);
    assertEquals(1, r.stderr().lines().count());
  }

  @Test
  void namespacesKeepContentApart() throws Exception {
    byte[] data = random(4096, 8);
    Cli.Result in = berth.ctlWithInput(data, "--namespace", "team-a", "content", "ingest", "x");
    assertEquals(0, in.exit(), in::toString);
    String d = in.out().strip();
    assertEquals(d + "\n", berth.ctl("content", "ls", "-q", "--namespace", "team-a").out());
    assertEquals("", berth.ctl("content", "ls", "-q").out());
    assertEquals("no such content: " + d + "\n", berth.ctl("content", "get", d).stderr());
    Cli.Result fromEnv = Cli.run(Map.of("BERTH_ADDRESS", berth.socket().toString(), "BERTH_NAMESPACE", "team-a"),
        "content", "ls", "-q");
    assertEquals(d + "\n", fromEnv.out(), fromEnv::toString);
  }

  @Test
  void progressBarGoesToStderrWhenAsked() throws Exception {
    byte[] data = random(9 * (1 << 20), 9);
    Path file = Files.write(dir.resolve("big.bin"), data);
    Cli.Result r = berth.ctl("content", "ingest", "big", file.toString(), "--progress");
    assertEquals(0, r.exit(), r::toString);
    assertEquals(Digests.sha256(data) + "\n", r.out(), "stdout holds only the digest");
    assertTrue(r.stderr().contains("big") && r.stderr().contains("MiB"), r::toString);
  }

  private String ingest(String ref, byte[] data, String... options) throws Exception {
    Path file = Files.write(dir.resolve(ref + ".in"), data);
    List<String> args = new ArrayList<>(List.of("content", "ingest", ref, file.toString()));
    args.addAll(List.of(options));
    Cli.Result r = berth.ctl(args.toArray(String[]::new));
    assertEquals(0, r.exit(), r::toString);
    return r.out().strip();
  }

  private static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new TreeSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }
}
