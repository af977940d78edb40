package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import dev.berth.ctl.output.Durations;
import dev.berth.ctl.output.Output;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * berthctl load, images, save, tag and rmi against the real services on a Unix socket, with the
 * busybox test images. Needs root (loading unpacks onto overlayfs).
 */
class ImageCommandsOverUnixSocketTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TestImage BUSYBOX = TestImages.busybox();

  @TempDir
  Path dir;

  @RegisterExtension
  final BerthOnSocket berth = new BerthOnSocket();

  @Test
  void loadFromAFileAndFromStdinThenListTheImages() throws Exception {
    Path archive = BUSYBOX.writeDockerArchive(dir.resolve("busybox.tar"));
    Cli.Result fromFile = berth.ctl("load", "-i", archive.toString());
    assertEquals(0, fromFile.exit(), fromFile::toString);
    assertEquals("Loaded image: busybox:latest\n", fromFile.out());
    assertEquals("", fromFile.stderr(), "no progress bar when stderr is no terminal");
    Cli.Result quiet = berth.ctl("load", "-q", "--progress", "-i", archive.toString());
    assertEquals("Loaded image: busybox:latest\n", quiet.out(), quiet::toString);
    assertEquals("", quiet.stderr(), "-q: no progress bars, even asked for");

    TestImage layered = TestImages.busyboxLayered();
    Cli.Result fromStdin = berth.ctlWithInput(TestImage.gzip(layered.ociArchive()), "load");
    assertEquals(0, fromStdin.exit(), fromStdin::toString);
    assertEquals("Loaded image: busybox-layered:latest\n", fromStdin.out());

    assertEquals("busybox-layered:latest\nbusybox:latest\n",
        berth.ctl("images", "--format", "{{.Repository}}:{{.Tag}}").out());
    // -q: Docker's image ids, short, once per image
    assertEquals(2, berth.ctl("images", "-q").out().lines().filter(l -> l.matches("[0-9a-f]{12}")).distinct().count());

    // docker's --format json: an object a line
    List<String> images = berth.ctl("images", "--format", "json").out().lines().toList();
    assertEquals(2, images.size(), images::toString);
    JsonNode busybox = JSON.readTree(images.get(1));
    assertEquals("busybox", busybox.get("Repository").asText());
    assertEquals("latest", busybox.get("Tag").asText());
    String manifest = busybox.get("Digest").asText();
    long manifestSize = JSON.readTree(berth.ctl("content", "info", manifest, "--format", "json").stdout())
        .get("size").asLong();
    long size = manifestSize + BUSYBOX.config().length + BUSYBOX.layers().get(0).length;
    assertEquals(Output.size(size), busybox.get("Size").asText(), "manifest, config and layer");

    // docker's columns, which scripts cut by position
    List<String> table = berth.ctl("images").out().lines().toList();
    assertEquals(List.of("REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE"), List.of(table.get(0).split("\\s{2,}")));
    List<String> row = List.of(table.get(2).split("\\s{2,}"));
    assertEquals("busybox", row.get(0));
    assertEquals("latest", row.get(1));
    assertEquals(manifest.substring("sha256:".length(), "sha256:".length() + 12), row.get(2));
    assertTrue(row.get(3).endsWith("ago"), row.get(3));
    assertEquals(Output.size(size), row.get(4));
    // a table template's header: Docker's column titles, of the fields it has for sizes not counted too
    assertEquals(List.of("REPOSITORY", "CONTAINERS", "SHARED SIZE", "UNIQUE SIZE", "SIZE"), List.of(berth.ctl("images",
        "--format", "table {{.Repository}}\t{{.Containers}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.VirtualSize}}").out()
        .lines().toList().get(0).split("\\s{2,}")));
    List<String> withDigests = berth.ctl("images", "--digests", "--no-trunc").out().lines().toList();
    assertEquals(List.of("REPOSITORY", "TAG", "DIGEST", "IMAGE ID", "CREATED", "SIZE"),
        List.of(withDigests.get(0).split("\\s{2,}")));
    assertEquals(List.of("busybox", "latest", manifest, manifest), List.of(withDigests.get(2).split("\\s{2,}"))
        .subList(0, 4));
  }

  @Test
  void aListingIsWrittenAtOnceSoAReaderOfItsFirstLineDoesNotBreakThePipe() throws Exception {
    berth.ctl("load", "-i", BUSYBOX.writeDockerArchive(dir.resolve("busybox.tar")).toString());
    berth.ctlWithInput(TestImages.busyboxLayered().ociArchive(), "load");
    // berthctl images --format json | head -1 under set -o pipefail: Docker's listing is one write
    for (List<String> args : List.of(List.of("images"), List.of("images", "--format", "json"),
        List.of("images", "--format", "{{.Repository}}"), List.of("images", "--format", "table {{.ID}}\t{{.Tag}}"),
        List.of("images", "-q"), List.of("history", "-q", "busybox"))) {
      Cli.Result whole = berth.ctl(args.toArray(String[]::new));
      Cli.Result piped = berth.ctlIntoReaderThatLeaves(args.toArray(String[]::new));
      assertEquals(0, piped.exit(), () -> args + ": " + piped);
      assertEquals(whole.out(), piped.out(), () -> args + ": the whole listing in the first write");
    }
  }

  @Test
  void loadSaveLoadGivesTheSameDigestsAndSaveIsReproducible() throws Exception {
    berth.ctl("load", "-i", BUSYBOX.writeDockerArchive(dir.resolve("in.tar")).toString());
    String digest = firstImageDigest();

    Path saved = dir.resolve("out").resolve("busybox.tar");
    Files.createDirectories(saved.getParent());
    Cli.Result save = berth.ctl("save", "-o", saved.toString(), "busybox");
    assertEquals(0, save.exit(), save::toString);
    assertEquals("", save.out());
    assertEquals(List.of(saved), Files.list(saved.getParent()).toList(), "no temporary file left");
    Cli.Result toStdout = berth.ctl("save", "busybox:latest");
    assertArrayEquals(Files.readAllBytes(saved), toStdout.stdout(), "the same archive on stdout");

    String deleted = "Deleted: " + digest + "\n";
    assertEquals("Untagged: busybox:latest\n" + deleted, berth.ctl("rmi", "busybox").out(), "Docker's lines");
    assertEquals("", berth.ctl("images", "-q").out());
    Cli.Result reload = berth.ctl("load", "-i", saved.toString());
    assertEquals(0, reload.exit(), reload::toString);
    assertEquals("Loaded image: busybox:latest\n", reload.out());
    assertEquals(digest, firstImageDigest());
  }

  @Test
  void saveOfARepositoryTakesEveryTagAndOfAnIdOrDigestNoName() throws Exception {
    berth.ctlWithInput(BUSYBOX.ociArchive(), "load");
    berth.ctl("tag", "busybox", "busybox:2");
    berth.ctl("tag", "busybox", "other:1");
    String id = berth.ctl("image", "inspect", "-f", "{{.Id}}", "busybox").out().strip();
    // as Docker 27's containerd image store (moby's ExportImage): a name without tag is the repository
    assertEquals("[\"busybox:2\",\"busybox:latest\"]", saved("busybox").get("RepoTags").toString());
    assertEquals("[\"busybox:2\"]", saved("busybox:2").get("RepoTags").toString());
    // an image id, a prefix of it, or NAME@DIGEST: the image without a name
    for (String unnamed : List.of(id, id.substring(7, 19), "busybox@" + id)) {
      assertEquals("[]", saved(unnamed).get("RepoTags").toString(), unnamed);
    }
    // and loaded back as Docker's load keeps an unnamed image: untagged, by id
    Path byId = dir.resolve("saved-" + Math.abs(id.hashCode()) + ".tar");
    berth.ctl("rmi", "busybox", "busybox:2", "other:1");
    Cli.Result load = berth.ctl("load", "-i", byId.toString());
    assertEquals("Loaded image ID: " + id + "\n", load.out(), load::toString);
    assertEquals("<none> <none> " + id + "\n", berth.ctl("images", "--no-trunc", "--format",
        "{{.Repository}} {{.Tag}} {{.ID}}").out());
  }

  /** manifest.json's single entry of what {@code save NAME} writes, its names sorted. */
  private JsonNode saved(String name) throws Exception {
    Path out = dir.resolve("saved-" + Math.abs(name.hashCode()) + ".tar");
    Cli.Result save = berth.ctl("save", "-o", out.toString(), name);
    assertEquals(0, save.exit(), save::toString);
    try (var tar = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(Files.newInputStream(out))) {
      for (var e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
        if (e.getName().equals("manifest.json")) {
          JsonNode entries = JSON.readTree(tar.readAllBytes());
          assertEquals(1, entries.size(), entries::toString);
          com.fasterxml.jackson.databind.node.ObjectNode entry = (com.fasterxml.jackson.databind.node.ObjectNode)
              entries.get(0);
          List<String> tags = new ArrayList<>();
          entry.get("RepoTags").forEach(t -> tags.add(t.asText()));
          entry.set("RepoTags", JSON.valueToTree(tags.stream().sorted().toList()));
          return entry;
        }
      }
    }
    throw new AssertionError("no manifest.json in " + out);
  }

  @Test
  void tagAndRmiTakeFamiliarNamesAndGoOnAfterAFailure() throws Exception {
    berth.ctlWithInput(BUSYBOX.ociArchive(), "load");
    Cli.Result tag = berth.ctl("tag", "busybox", "example.com/tools/box:1");
    assertEquals(0, tag.exit(), tag::toString);
    assertEquals("", tag.out(), "silent, as Docker's");
    assertEquals("busybox:latest\nexample.com/tools/box:1\n",
        berth.ctl("images", "--format", "{{.Repository}}:{{.Tag}}").out());
    assertEquals(1, berth.ctl("images", "-q").out().lines().count(), "two names, one image");
    // each repository's digest reference in its short form, as Docker's inspect shows it
    String manifest = berth.ctl("images", "-q", "--no-trunc").out().strip();
    assertEquals("[busybox@" + manifest + " example.com/tools/box@" + manifest + "]\n",
        berth.ctl("image", "inspect", "-f", "{{.RepoDigests}}", "busybox").out());
    // Docker's fields of an image row, and its error for one it has not
    assertEquals("N/A\nN/A\n", berth.ctl("images", "--format", "{{.Containers}}").out());
    Cli.Result unknownField = berth.ctl("images", "--format", "{{.Repository}} {{.Nope}}");
    assertEquals(1, unknownField.exit(), unknownField::toString);
    // Docker's listings' words, with Go's position of the field
    assertEquals("template parsing error: template: :1:18: executing \"\" at <.Nope>: can't evaluate field Nope "
        + "in type *formatter.imageContext\n",
        unknownField.stderr());

    // a bad name is a bad argument, not a bad flag: Docker exits 1
    Cli.Result badTag = berth.ctl("tag", "busybox", "Not A Name");
    assertEquals(1, badTag.exit(), badTag::toString);
    // in the words of Docker's client, which parses the name before asking the daemon
    assertEquals("Error parsing reference: \"Not A Name\" is not a valid repository/tag: invalid reference"
        + " format\n", badTag.stderr());
    Cli.Result upperCase = berth.ctl("tag", "busybox", "Bad:tag");
    assertEquals(1, upperCase.exit(), upperCase::toString);
    assertEquals("Error parsing reference: \"Bad:tag\" is not a valid repository/tag: invalid reference format:"
        + " repository name (library/Bad) must be lowercase\n", upperCase.stderr());
    Cli.Result byDigest = berth.ctl("tag", "busybox", "other@sha256:" + "0".repeat(64));
    assertEquals("refusing to create a tag with a digest reference\n", byDigest.stderr());
    // Docker's words, the name in its short form with its tag
    Cli.Result unknownTag = berth.ctl("tag", "docker.io/library/nosuch", "other:1");
    assertEquals(1, unknownTag.exit(), unknownTag::toString);
    assertEquals("Error response from daemon: No such image: nosuch:latest\n", unknownTag.stderr());
    Cli.Result unknownInspect = berth.ctl("image", "inspect", "example.com/nosuch:2");
    assertEquals(1, unknownInspect.exit(), unknownInspect::toString);
    assertEquals("Error response from daemon: No such image: example.com/nosuch:2\n", unknownInspect.stderr());

    // by id, as docker: refused while two names hold the image, every name with -f
    String id = berth.ctl("images", "-q").out().strip();
    String wholeId = berth.ctl("images", "-q", "--no-trunc").out().strip();
    Cli.Result byId = berth.ctl("rmi", id);
    assertEquals(1, byId.exit(), byId::toString);
    assertTrue(byId.stderr().contains("image is referenced in multiple repositories"), byId::toString);
    assertEquals(2, berth.ctl("images", "--format", "{{.Repository}}").out().lines().count());
    assertEquals("Untagged: busybox:latest\nUntagged: example.com/tools/box:1\nDeleted: " + wholeId + "\n",
        berth.ctl("rmi", "-f", id).out());
    assertEquals("", berth.ctl("images", "-q").out());
    berth.ctlWithInput(BUSYBOX.ociArchive(), "load");
    berth.ctl("tag", "busybox", "example.com/tools/box:1");

    Cli.Result rmi = berth.ctl("rmi", "example.com/tools/box:1", "nosuch", "busybox:latest");
    assertEquals(1, rmi.exit(), rmi::toString);
    assertEquals("Untagged: example.com/tools/box:1\nUntagged: busybox:latest\nDeleted: " + wholeId + "\n", rmi.out());
    assertEquals("Error response from daemon: No such image: nosuch:latest\n", rmi.stderr());
    assertEquals("", berth.ctl("images", "-q").out());
  }

  @Test
  void rmiOfRepositoryAtDigestUntagsEveryTagOfThatRepository() throws Exception {
    berth.ctlWithInput(BUSYBOX.ociArchive(), "load");
    berth.ctl("tag", "busybox", "example.com/app:1");
    berth.ctl("tag", "busybox", "example.com/app:2");
    String digest = berth.ctl("images", "-q", "--no-trunc").out().strip();

    // as Docker's daemon with containerd's image store: the digest names every tag of the repository
    Cli.Result rmi = berth.ctl("rmi", "example.com/app@" + digest);
    assertEquals(0, rmi.exit(), rmi::toString);
    assertEquals("Untagged: example.com/app:1\nUntagged: example.com/app:2\n", rmi.out());
    assertEquals("busybox:latest\n", berth.ctl("images", "--format", "{{.Repository}}:{{.Tag}}").out(),
        "another repository's name stays");
    assertEquals("Untagged: busybox:latest\nDeleted: " + digest + "\n", berth.ctl("rmi", "busybox@" + digest).out());
    assertEquals("", berth.ctl("images", "-q").out());
  }

  @Test
  void rmiOfRepositoryTagAtDigestUntagsThatTagAlone() throws Exception {
    berth.ctlWithInput(BUSYBOX.ociArchive(), "load");
    berth.ctl("tag", "busybox", "example.com/app:1");
    berth.ctl("tag", "busybox", "example.com/app:2");
    String digest = berth.ctl("images", "-q", "--no-trunc").out().strip();

    // as Docker's getSameReferences: the tag names the reference, the digest only checks it
    Cli.Result rmi = berth.ctl("rmi", "example.com/app:1@" + digest);
    assertEquals(0, rmi.exit(), rmi::toString);
    assertEquals("Untagged: example.com/app:1\n", rmi.out());
    assertEquals("busybox:latest\nexample.com/app:2\n",
        berth.ctl("images", "--format", "{{.Repository}}:{{.Tag}}").out().lines().sorted()
            .map(l -> l + "\n").collect(Collectors.joining()));
    Cli.Result gone = berth.ctl("rmi", "example.com/app:1@" + digest);
    assertEquals(1, gone.exit(), gone::toString);
  }

  @Test
  void imagesTakesDockersRepositoryArgumentAndFilters() throws Exception {
    berth.ctlWithInput(BUSYBOX.ociArchive(), "load");
    berth.ctl("tag", "busybox", "busybox:1.36");
    berth.ctl("tag", "busybox", "example.com/tools/box:1");
    String names = "{{.Repository}}:{{.Tag}}";
    assertEquals("busybox:1.36\nbusybox:latest\n", berth.ctl("images", "busybox", "--format", names).out());
    // the image's own date, in whole seconds, as Docker shows it; whole ids with --no-trunc
    assertEquals(Durations.goString(Instant.parse("2024-01-01T00:00:00Z")) + "\n",
        berth.ctl("images", "busybox:latest", "--format", "{{.CreatedAt}}").out());
    String id = berth.ctl("images", "-q", "--no-trunc", "busybox:latest").out().strip();
    assertTrue(id.matches("sha256:[0-9a-f]{64}"), id);
    assertEquals(id + "\n", berth.ctl("images", "--no-trunc", "--format", "{{.ID}}", "busybox:latest").out());
    assertEquals("busybox:1.36\n", berth.ctl("images", "busybox:1.36", "--format", names).out());
    assertEquals("example.com/tools/box:1\n",
        berth.ctl("images", "--filter", "reference=*/tools/*", "--format", names).out());
    assertEquals("busybox:1.36\nexample.com/tools/box:1\n",
        berth.ctl("images", "-f", "reference=busybox:1*", "-f", "reference=example.com/*/box", "--format", names).out());
    assertEquals("", berth.ctl("images", "-f", "dangling=true", "-q").out());
    assertEquals("", berth.ctl("images", "-f", "label=org.example.none", "-q").out());
    assertEquals(3, berth.ctl("images", "-a", "--format", names).out().lines().count());
    assertEquals("busybox:latest\n",
        berth.ctl("images", "name==docker.io/library/busybox:latest", "--format", names).out(),
        "an argument with == is a containerd filter");

    Cli.Result bad = berth.ctl("images", "--filter", "color=blue");
    assertEquals(1, bad.exit(), bad::toString);
    assertTrue(bad.stderr().startsWith("Error response from daemon: invalid filter 'color'"), bad.stderr());
  }

  @Test
  void historyListsTheConfigsStepsNewestFirstWithTheirLayers() throws Exception {
    TestImage layered = TestImages.busyboxLayered();
    berth.ctlWithInput(layered.ociArchive(), "load");
    List<String> table = berth.ctl("history", "busybox-layered").out().lines().toList();
    assertTrue(table.get(0).matches("IMAGE\\s+CREATED\\s+CREATED BY\\s+SIZE\\s+COMMENT"), table.get(0));
    int layers = table.size() - 1;
    assertTrue(layers >= 2, table::toString);
    assertTrue(table.get(1).matches("[0-9a-f]{12}\\s+\\d+ years? ago\\s+berth TestImages layer " + (layers - 1) + "\\s+.*B"),
        table.get(1));
    assertTrue(table.get(layers).startsWith("<missing>") && table.get(layers).contains("berth TestImages layer 0"),
        table.get(layers));
    List<String> json = berth.ctl("history", "--format", "json", "--human=false", "busybox-layered").out().lines()
        .toList();
    assertEquals(layers, json.size());
    JsonNode top = JSON.readTree(json.get(0));
    assertEquals("2024-01-01T00:00:00Z", top.get("CreatedAt").asText());
    assertTrue(top.get("Size").asLong() > 0, json::toString);
    assertEquals(layers, berth.ctl("history", "-q", "busybox-layered").out().lines().count());
    String id = berth.ctl("image", "inspect", "-f", "{{.Id}}", "busybox-layered").out().strip();
    assertEquals(id, berth.ctl("history", "-q", "--no-trunc", "busybox-layered").out().lines().findFirst().orElseThrow());
    assertTrue(berth.ctl("history", "--no-trunc", "busybox-layered").out().lines().toList().get(1).startsWith(id + " "),
        "--no-trunc shows the whole id, as Docker's");
    Cli.Result unknown = berth.ctl("history", "nosuch");
    assertEquals(1, unknown.exit(), unknown::toString);
    assertEquals("Error response from daemon: No such image: nosuch:latest\n", unknown.stderr());
  }

  @Test
  void aBrokenArchiveFailsWithOneLine() {
    Cli.Result r = berth.ctlWithInput("this is no archive".getBytes(), "load");
    assertEquals(1, r.exit(), r::toString);
    assertTrue(r.stderr().startsWith("not an image archive") || r.stderr().startsWith("not a readable tar"),
        r.stderr());
    assertEquals(1, r.stderr().lines().count(), r.stderr());
    assertEquals("", berth.ctl("images", "-q").out());
  }

  @Test
  void forcedProgressShowsLoadingAndUnpacking() throws Exception {
    Path archive = BUSYBOX.writeOciArchive(dir.resolve("busybox.oci.tar"));
    Cli.Result r = berth.ctl("load", "--progress", "-i", archive.toString());
    assertEquals(0, r.exit(), r::toString);
    assertTrue(r.stderr().contains("Loading"), r.stderr());
    assertTrue(r.stderr().contains("Unpacking busybox:latest"), r.stderr());
  }

  @Test
  void saveOfAnUnknownImageFailsAndLeavesNoFile() throws Exception {
    Path out = dir.resolve("none.tar");
    Cli.Result r = berth.ctl("save", "-o", out.toString(), "nosuch");
    assertEquals(1, r.exit(), r::toString);
    assertEquals("Error response from daemon: No such image: nosuch:latest\n", r.stderr());
    assertTrue(Files.notExists(out));
    List<Path> left = new ArrayList<>();
    try (var files = Files.list(dir)) {
      files.filter(p -> p.getFileName().toString().endsWith(".part")).forEach(left::add);
    }
    assertEquals(List.of(), left);
  }

  /** The target digest of the first image {@code images --format json} lists. */
  private String firstImageDigest() throws Exception {
    return JSON.readTree(berth.ctl("images", "--format", "json").out().lines().findFirst().orElseThrow())
        .get("Digest").asText();
  }
}
