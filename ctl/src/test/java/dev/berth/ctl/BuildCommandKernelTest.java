package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.leases.v1.LeasesGrpc;
import containerd.services.leases.v1.ListRequest;
import dev.berth.api.Digests;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code berthctl build} against a whole berthd in the test JVM, as root on the real kernel: images
 * built from busybox with RUN in runc containers, checked by running them.
 */
class BuildCommandKernelTest extends BerthdKernelTest {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{12}");

  @TempDir
  Path context;

  @AfterEach
  void removeImages() {
    for (String image : List.of("app:1", "app:latest", "multi", "stage-one")) {
      berthd.ctl("rmi", "-f", image);
    }
  }

  private void file(String name, String text) throws Exception {
    Path p = context.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, text);
  }

  /** The output with ids (12 hex digits) as ID, for comparing with what Docker prints. */
  private static String withoutIds(String output) {
    return ID.matcher(output).replaceAll("ID");
  }

  @Test
  void runAndCopyWithDockerignoreMakeAnImageThatRunsAsConfigured() throws Exception {
    file("Dockerfile", """
        FROM busybox
        ARG NAME=nobody-asked
        ENV GREETING="hello world" \\
            HOME=/app
        WORKDIR $HOME
        COPY . ./
        RUN echo "built for $NAME" > built.txt && echo to-stderr >&2
        USER nobody
        CMD ["sh", "-c", "echo $GREETING; pwd; id -un; ls; cat built.txt"]
        """);
    file(".dockerignore", "secret.txt\n*.log\n!keep.log\n");
    file("hello.txt", "hi\n");
    file("secret.txt", "no\n");
    file("drop.log", "no\n");
    file("keep.log", "yes\n");
    Cli.Result r = ok("build", "-t", "app:1", "-t", "app", "--build-arg", "NAME=tests", "--build-arg", "UNUSED=1",
        context.toString());
    assertEquals("""
        Sending build context to Docker daemon  5.12kB
        Step 1/8 : FROM busybox
         ---> ID
        Step 2/8 : ARG NAME=nobody-asked
         ---> ID
        Step 3/8 : ENV GREETING="hello world"     HOME=/app
         ---> ID
        Step 4/8 : WORKDIR $HOME
         ---> ID
        Step 5/8 : COPY . ./
         ---> ID
        Step 6/8 : RUN echo "built for $NAME" > built.txt && echo to-stderr >&2
         ---> Running in ID
        to-stderr
        Removing intermediate container ID
         ---> ID
        Step 7/8 : USER nobody
         ---> ID
        Step 8/8 : CMD ["sh", "-c", "echo $GREETING; pwd; id -un; ls; cat built.txt"]
         ---> ID
        [Warning] One or more build-args [UNUSED] were not consumed
        Successfully built ID
        Successfully tagged app:1
        Successfully tagged app:latest
        """, withoutIds(r.out()));
    assertEquals("hello world\n/app\nnobody\nDockerfile\nbuilt.txt\nhello.txt\nkeep.log\nbuilt for tests\n",
        ok("run", "--rm", "app:1").out());
    assertEquals("""
        /bin/sh -c #(nop)  CMD ["sh" "-c" "echo $GREETING; pwd; id -un; ls; cat built.txt"]
        /bin/sh -c #(nop)  USER nobody
        |1 NAME=tests /bin/sh -c echo "built for $NAME" > built.txt && echo to-stderr >&2
        /bin/sh -c #(nop) COPY dir:HASH in ./\s
        /bin/sh -c #(nop)  WORKDIR /app
        /bin/sh -c #(nop)  ENV GREETING=hello world HOME=/app
        /bin/sh -c #(nop)  ARG NAME=nobody-asked
        """, String.join("\n", ok("history", "--no-trunc", "--format", "{{.CreatedBy}}", "app:1").out().lines()
        .limit(7).map(l -> l.replaceAll("dir:[0-9a-f]{64}", "dir:HASH")).toList()) + "\n");
    String env = ok("image", "inspect", "-f", "{{json .Config.Env}}", "app:1").out();
    assertEquals("[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\",\"GREETING=hello world\","
        + "\"HOME=/app\"]\n", env);
  }

  @Test
  void ignoredDirectoriesExceptionsTarTimesAndStageNamesAsDockersBuilder(@TempDir Path tree) throws Exception {
    Files.createDirectories(tree.resolve("in"));
    Files.writeString(tree.resolve("in/t"), "t");
    Files.setAttribute(tree.resolve("in/t"), "unix:mode", 04755);
    Files.setLastModifiedTime(tree.resolve("in"), FileTime.from(Instant.parse("2020-01-02T03:04:05Z")));
    // the entries' owners, which ADD keeps whatever --chown says, as Docker's builder
    tar(context.resolve("tree.tar"), tree, "--owner=1234", "--group=5678", "--numeric-owner", "in");
    file("ign/keep", "k");
    file("ign/drop", "no");
    file(".dockerignore", "ign\n!ign/keep\n");
    file("Dockerfile", """
        FROM busybox
        COPY ign /kept
        COPY . /all
        ADD --chown=7:7 tree.tar /x/
        CMD ["sh", "-c", "ls /kept /all/ign; stat -c %Y /x/in; stat -c '%u:%g %a' /x/in /x/in/t"]
        """);
    ok("build", "-q", "-t", "app:1", context.toString());
    assertEquals("/all/ign:\nkeep\n\n/kept:\nkeep\n1577934245\n1234:5678 755\n1234:5678 4755\n",
        ok("run", "--rm", "app:1").out());

    file("Dockerfile", "FROM busybox AS a\nFROM busybox AS A\n");
    Cli.Result twice = berthd.ctl("build", context.toString());
    assertEquals(1, twice.exit(), twice::toString);
    assertTrue(withoutIds(twice.out()).endsWith("Step 1/2 : FROM busybox AS a\n ---> ID\n"), twice::toString);
    assertEquals("a stage name already used\n", twice.stderr());
  }

  @Test
  void multiStageCopyFromQuietAndTarget() throws Exception {
    file("Dockerfile", """
        FROM busybox AS stage-one
        RUN mkdir /out && echo made-in-one > /out/artifact
        FROM scratch
        COPY --from=stage-one /out/artifact /artifact
        COPY --from=busybox /bin/busybox /bin/busybox
        CMD ["/bin/busybox", "cat", "/artifact"]
        """);
    Path iid = context.resolve("iid");
    Cli.Result r = ok("image", "build", "-q", "--iidfile", iid.toString(), "-t", "multi", context.toString());
    assertTrue(r.out().matches("sha256:[0-9a-f]{64}\n"), r.out());
    assertEquals(r.out().strip(), Files.readString(iid));
    assertEquals("made-in-one\n", ok("run", "--rm", "multi").out());
    assertEquals("2\n", ok("image", "inspect", "-f", "{{len .RootFS.Layers}}", "multi").out());
    ok("build", "-q", "--target", "stage-one", "-t", "stage-one", context.toString());
    assertEquals("made-in-one\n", ok("run", "--rm", "stage-one", "cat", "/out/artifact").out());

    // without -t, as Docker's: an image by id alone, which run takes, listed as <none>, pruned as dangling
    file("Untagged", "FROM busybox\nRUN echo untagged > /made\n");
    String id = ok("build", "-q", "--no-cache", "-f", context.resolve("Untagged").toString(), context.toString())
        .out().strip();
    assertEquals("untagged\n", ok("run", "--rm", id, "cat", "/made").out());
    String shortId = id.substring("sha256:".length(), "sha256:".length() + 12);
    assertTrue(ok("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}").out().lines()
        .anyMatch(l -> l.equals("<none>:<none> " + shortId)), () -> ok("images").out());
    ok("image", "prune", "-f");
    assertFalse(ok("images", "-q").out().contains(shortId), "a dangling image goes with image prune");
  }

  @Test
  void aSecondBuildTakesEveryStepFromTheCacheUnlessTheFilesChangedOrNoCache() throws Exception {
    file("Dockerfile", "FROM busybox\nENV A=1\nCOPY f /f\nRUN cat /f > /g\n");
    file("f", "one");
    String first = ok("build", "-q", context.toString()).out();
    Cli.Result again = ok("build", "-t", "app:1", context.toString());
    assertEquals(3, again.out().split(" ---> Using cache\n", -1).length - 1, again::toString);
    assertTrue(again.out().contains("Successfully built " + first.substring(7, 19)), again::toString);
    assertEquals(0, ok("build", "--no-cache", context.toString()).out().split("Using cache", -1).length - 1);
    file("f", "two");
    Cli.Result changed = ok("build", "-t", "app:1", context.toString());
    assertEquals(1, changed.out().split("Using cache", -1).length - 1, changed::toString);
    assertEquals("two", ok("run", "--rm", "app:1", "cat", "/g").out());
    ok("system", "prune", "-f");
    assertEquals(0, ok("build", context.toString()).out().split("Using cache", -1).length - 1);
  }

  @Test
  void ofTwoCachedResultsOfAStepTheCacheTakesTheOneMadeLastAsDockersBuilder() throws Exception {
    file("Dockerfile", "FROM busybox\nRUN date +%s%N > /made\n");
    List<String> ids = new ArrayList<>(List.of(ok("build", "-q", context.toString()).out().strip()));
    // each --no-cache build keeps another result of the RUN; until the latest is not the one of the
    // smallest digest, which the content listing returns first, a cache taking the first would pass
    do {
      ids.add(ok("build", "-q", "--no-cache", context.toString()).out().strip());
    } while (ids.get(ids.size() - 1).equals(ids.stream().sorted().findFirst().orElseThrow()) && ids.size() < 8);
    String latest = ids.get(ids.size() - 1);
    Cli.Result cached = ok("build", context.toString());
    assertTrue(cached.out().contains(" ---> Using cache\n"), cached::toString);
    assertTrue(cached.out().contains("Successfully built " + latest.substring(7, 19)), ids + "\n" + cached);
  }

  @Test
  void aFailingRunFailsTheBuildAndLeavesNothingBehind() throws Exception {
    List<String> snapshotsBefore = berthd.snapshotKeys();
    file("Dockerfile", "FROM busybox\nCOPY f /f\nRUN echo trying && exit 3\nRUN echo never\n");
    file("f", "x");
    Cli.Result r = berthd.ctl("build", "-t", "app:1", context.toString());
    assertEquals(3, r.exit(), r::toString);
    assertTrue(withoutIds(r.out()).endsWith("Step 3/4 : RUN echo trying && exit 3\n ---> Running in ID\ntrying\n"),
        r::toString);
    assertEquals("The command '/bin/sh -c echo trying && exit 3' returned a non-zero code: 3\n", r.stderr());
    assertEquals("", ok("ps", "-aq").out());
    assertEquals("", ok("images", "-q", "app").out());
    assertTrue(ok("images").out().lines().noneMatch(l -> l.contains("berthctl-build")), "intermediate record left");
    assertEquals(0, LeasesGrpc.newBlockingStub(berthd.channel()).list(ListRequest.getDefaultInstance()).getLeasesCount(),
        "leases left");
    // the COPY's layer, made under the build's lease, is the garbage collector's once the lease is gone
    ok("system", "prune", "-f");
    List<String> left = new ArrayList<>(berthd.snapshotKeys());
    left.removeAll(snapshotsBefore);
    assertEquals(List.of(), left, "snapshots left behind");
  }

  @Test
  void aRunWhoseContainerCannotStartFailsInTheDaemonsWordsBareWithExit1() throws Exception {
    for (String[] bad : new String[][] {
        {"USER nosuchuser\nRUN id", "unable to find user nosuchuser: no matching entries in passwd file"},
        {"RUN [\"nosuch\"]", "failed to create task for container: failed to create shim task: OCI runtime create "
            + "failed: runc create failed: unable to start container process: exec: \"nosuch\": executable file not "
            + "found in $PATH: unknown"}}) {
      file("Dockerfile", "FROM busybox\n" + bad[0] + "\n");
      Cli.Result r = berthd.ctl("build", "-t", "app:1", context.toString());
      assertEquals(1, r.exit(), r::toString);
      assertTrue(withoutIds(r.out()).endsWith(" ---> Running in ID\n"), r::toString);
      assertEquals(bad[1] + "\n", r.stderr());
      assertEquals("", ok("ps", "-aq").out());
    }
  }

  @Test
  void labelsOlderFormTakesTheRestOfTheLineAsItsValueAsEnvs() throws Exception {
    file("Dockerfile", "FROM busybox\nLABEL team web and \"db\"\n");
    ok("build", "-q", "-t", "app:1", context.toString());
    assertEquals("{\"team\":\"web and db\"}\n", ok("image", "inspect", "-f", "{{json .Config.Labels}}", "app:1").out());
    assertEquals("/bin/sh -c #(nop)  LABEL team=web and db\n",
        ok("history", "--no-trunc", "--format", "{{.CreatedBy}}", "app:1").out().lines().findFirst().get() + "\n");
  }

  @Test
  void anOnbuildTriggersStepFailsAsTheDockerfilesOwn() throws Exception {
    // a trigger is read when it runs, as Docker's builder reads it: an unknown instruction is taken until then
    for (String[] bad : new String[][] {{"WORKDIR ${NO", "syntax error: missing '}'"},
        {"cop x y", "unknown instruction: cop (did you mean copy?)"}}) {
      file("Dockerfile", "FROM busybox\nONBUILD " + bad[0] + "\n");
      ok("build", "-q", "-t", "app:1", context.toString());
      file("Dockerfile", "FROM app:1\n");
      Cli.Result r = berthd.ctl("build", context.toString());
      assertEquals(1, r.exit(), r::toString);
      assertTrue(r.out().endsWith("Step 1/1 : FROM app:1\n# Executing 1 build trigger\n"), r::toString);
      assertEquals(bad[1] + "\n", r.stderr());
    }
  }

  @Test
  void copysAndVolumesShellFormSplitsAtWhitespaceAloneAndAPatternMayMatchNothingBesideAFile() throws Exception {
    file("a b", "spaced");
    file("f", "plain");
    file("Dockerfile", """
        FROM busybox
        ENV SPACED="a b" VOLUME="/v w"
        COPY $SPACED "f" nomatch* /d/
        VOLUME $VOLUME
        CMD ["sh", "-c", "ls /d; cat '/d/a b'"]
        """);
    ok("build", "-q", "-t", "app:1", context.toString());
    assertEquals("a b\nf\nspaced", ok("run", "--rm", "app:1").out());
    assertEquals("{\"/v w\":{}}\n", ok("image", "inspect", "-f", "{{json .Config.Volumes}}", "app:1").out());
  }

  @Test
  void refusalsBeforeAnyStepAreTheDaemonsAndMissingFilesTheStreams() throws Exception {
    file("Dockerfile", "FROM busybox\ncop x y\n");
    Cli.Result parse = berthd.ctl("build", context.toString());
    assertEquals(1, parse.exit());
    assertEquals("Error response from daemon: dockerfile parse error on line 2: unknown instruction: cop (did you mean "
        + "copy?)\n", parse.stderr());
    file("Dockerfile", "");
    assertEquals("Error response from daemon: the Dockerfile (Dockerfile) cannot be empty\n",
        berthd.ctl("build", context.toString()).stderr());
    file("Dockerfile", "ARG V=1\n");
    Cli.Result argsOnly = berthd.ctl("build", context.toString());
    assertEquals(1, argsOnly.exit());
    assertTrue(argsOnly.out().endsWith("Step 1/1 : ARG V=1\n"), argsOnly::toString);
    assertEquals("No image was generated. Is your Dockerfile empty?\n", argsOnly.stderr());
    file("Dockerfile", "FROM busybox\nCOPY nothing-here /x\n");
    Cli.Result missing = berthd.ctl("build", context.toString());
    assertEquals(1, missing.exit());
    assertEquals("COPY failed: file not found in build context or excluded by .dockerignore: stat nothing-here: file "
        + "does not exist\n", missing.stderr());
    Files.createSymbolicLink(context.resolve("hostlink"), Path.of("/etc/hostname"));
    Files.createSymbolicLink(context.resolve("linkdir"), Path.of("/etc"));
    for (String source : List.of("hostlink", "linkdir/hostname")) {
      file("Dockerfile", "FROM busybox\nCOPY " + source + " /leak\n");
      Cli.Result leak = berthd.ctl("build", context.toString());
      assertEquals(1, leak.exit(), leak::toString);
      assertEquals("COPY failed: file not found in build context or excluded by .dockerignore: stat " + source
          + ": file does not exist\n", leak.stderr());
    }
    // a step's refusal bare, as Docker's builder prints it
    for (String[] bad : new String[][] {{"EXPOSE 80x", "invalid containerPort: 80x"},
        {"STOPSIGNAL NOPE", "invalid signal: NOPE"}, {"VOLUME ${V", "syntax error: missing '}'"},
        {"COPY ${NO:?no_file} /", "NO: no_file"}, {"COPY --chown=${NO?} f /", "NO: is not allowed to be unset"},
        {"WORKDIR ${NO:=x}", "unsupported modifier (:=) in substitution"},
        // Docker's parser splits COPY's line at whitespace, then reads each part: a quote must close within it
        {"COPY \"a b\" /d/", "unexpected end of statement while looking for matching double-quote"},
        {"COPY nomatch* /d/", "COPY failed: no source files were specified"}}) {
      file("Dockerfile", "FROM busybox\n" + bad[0] + "\n");
      Cli.Result step = berthd.ctl("build", context.toString());
      assertEquals(1, step.exit(), step::toString);
      assertEquals(bad[1] + "\n", step.stderr());
    }
    // FROM's step is printed before its base name is substituted
    file("Dockerfile", "ARG TAG\nFROM busybox:${TAG:?need_tag} AS base\n");
    Cli.Result from = berthd.ctl("build", context.toString());
    assertEquals(1, from.exit(), from::toString);
    assertTrue(from.out().endsWith("Step 2/2 : FROM busybox:${TAG:?need_tag} AS base\n"), from::toString);
    assertEquals("TAG: need_tag\n", from.stderr());
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(Files.newOutputStream(context.resolve("bad.tar")))) {
      TarArchiveEntry hard = new TarArchiveEntry("t/h", TarArchiveEntry.LF_LINK);
      hard.setLinkName("missing");
      tar.putArchiveEntry(hard);
      tar.closeArchiveEntry();
    }
    file("Dockerfile", "FROM busybox\nADD bad.tar /x/\n");
    Cli.Result badLink = berthd.ctl("build", context.toString());
    assertEquals(1, badLink.exit(), badLink::toString);
    assertEquals("link /x/missing /x/t/h: no such file or directory\n", badLink.stderr());
    Cli.Result url = berthd.ctl("build", "https://example.org/repo.git");
    assertEquals(1, url.exit());
    assertTrue(url.stderr().contains("is not supported"), url::toString);
  }

  @Test
  void dockerfilesWrittenForBuildKitBuildWithHeredocsChmodAndLink() throws Exception {
    file("run.sh", "echo run\n");
    file("tree/sub/x", "x");
    Files.setAttribute(context.resolve("run.sh"), "unix:mode", 0644);
    Files.setAttribute(context.resolve("tree/sub"), "unix:mode", 0700);
    Files.setAttribute(context.resolve("tree/sub/x"), "unix:mode", 0600);
    file("Dockerfile", """
        # syntax=docker/dockerfile:1.7
        FROM busybox
        ARG WHO=world
        RUN <<EOF
        echo "one $WHO" > /one
        echo two >> /one
        EOF
        RUN <<EOF sh -e
        echo from-sh > /sh
        EOF
        RUN <<A cat > /a && <<-"B" cat > /b
        a $WHO
        A
        		b $WHO
        	B
        RUN <<EOF
        #!/bin/sh
        echo "shebang $0" > /shebang
        EOF
        COPY <<EOF /etc/greeting
        hello ${WHO} "quoted" '$WHO'
        EOF
        COPY <<'EOF' <<-X /texts/
        as $WHO written
        EOF
        	chomped
        X
        COPY --chmod=755 run.sh /bin/
        COPY --chmod=u=rwX,go=rX --link tree /tree
        ADD --link=true --chmod=600 run.sh /private
        CMD ["sh", "-c", "cat /one /sh /a /b /shebang /etc/greeting /texts/EOF /texts/X; run.sh; \\
          stat -c '%a %n' /bin/run.sh /tree/sub /tree/sub/x /private /etc/greeting /texts/EOF"]
        """);
    ok("build", "-q", "-t", "app:1", context.toString());
    assertEquals("""
        one world
        two
        from-sh
        a world
        b $WHO
        shebang /dev/pipes/EOF
        hello world "quoted" 'world'
        as $WHO written
        chomped
        run
        755 /bin/run.sh
        755 /tree/sub
        644 /tree/sub/x
        600 /private
        644 /etc/greeting
        644 /texts/EOF
        """, ok("run", "--rm", "app:1").out());

    // the same heredoc with another text is another step, not the cache's
    file("Dockerfile", "FROM busybox\nRUN <<EOF\necho first > /t\nEOF\n");
    ok("build", "-q", "-t", "app:1", context.toString());
    file("Dockerfile", "FROM busybox\nRUN <<EOF\necho second > /t\nEOF\n");
    ok("build", "-q", "-t", "app:1", context.toString());
    assertEquals("second\n", ok("run", "--rm", "app:1", "cat", "/t").out());

    // a trigger's here-document goes with it and is read when the trigger runs
    file("Dockerfile", "FROM busybox\nONBUILD RUN <<EOF\necho triggered > /t\nEOF\n");
    ok("build", "-q", "-t", "app:1", context.toString());
    file("Dockerfile", "FROM app:1\n");
    ok("build", "-q", "-t", "multi", context.toString());
    assertEquals("triggered\n", ok("run", "--rm", "multi", "cat", "/t").out());

    file("Dockerfile", "# syntax=example.org/my/frontend:2\nFROM busybox\n");
    Cli.Result other = berthd.ctl("build", context.toString());
    assertEquals(1, other.exit(), other::toString);
    assertEquals("Error response from daemon: the syntax directive (# syntax=example.org/my/frontend:2) names a "
        + "Dockerfile frontend that berthctl build does not have: it reads Dockerfiles as docker/dockerfile:1 "
        + "only, which # syntax=docker/dockerfile:1 (or no syntax directive) asks for\n", other.stderr());
  }

  @Test
  void runMountsACacheKeptBetweenBuildsBindsAndTmpfsNoneInTheLayerAndNetworkNone() throws Exception {
    file("src/a", "from the context\n");
    file("Dockerfile", """
        FROM busybox AS tools
        RUN mkdir /tools && echo tool > /tools/t
        FROM busybox
        ARG DIR=/cache
        RUN --mount=type=cache,target=$DIR,id=counter echo run >> /cache/log && wc -l < /cache/log > /count
        RUN --mount=type=bind,source=src,target=/src cat /src/a > /from-context && ! touch /src/x 2>/dev/null
        RUN --mount=type=bind,source=src,target=/src,rw touch /src/x && ls /src > /rw
        RUN --mount=type=bind,from=tools,source=/tools,target=/t --mount=type=bind,source=src/a,target=/a.txt \\
          cat /t/t /a.txt > /from-stage
        RUN --mount=type=tmpfs,target=/scratch grep -c ' /scratch tmpfs' /proc/mounts > /tmpfs
        RUN --mount=type=cache,target=/owned,uid=1000,gid=1000,mode=0700,sharing=locked stat -c '%u:%g %a' /owned > /owned-stat
        RUN --network=none ls /sys/class/net > /net
        USER nobody
        RUN --mount=type=bind,source=src,target=/src cat /src/a > /dev/null
        RUN <<EOF
        #!/bin/sh
        cat /src/a 2>/dev/null || echo a script nobody may run
        EOF
        USER root
        CMD ["sh", "-c", "cat /count /from-context /rw /from-stage /tmpfs /owned-stat /net; \\
          ls -d /cache /src /t /a.txt /scratch /owned 2>/dev/null | wc -l"]
        """);
    try {
      ok("build", "-q", "-t", "app:1", context.toString());
      assertEquals("1\nfrom the context\na\nx\ntool\nfrom the context\n1\n1000:1000 700\nlo\n0\n",
          ok("run", "--rm", "app:1").out());
      assertFalse(Files.exists(context.resolve("src/x")), "rw's changes are discarded");

      // the cache's content outlives the build, and a bind's content is in the step's cache key
      file("src/a", "changed\n");
      ok("build", "-q", "--no-cache", "-t", "app:1", context.toString());
      assertEquals("2\nchanged\n", String.join("\n", ok("run", "--rm", "app:1", "cat", "/count", "/from-context")
          .out().lines().toList()) + "\n");
      file("src/a", "again\n");
      ok("build", "-q", "-t", "app:1", context.toString());
      assertEquals("again\n", ok("run", "--rm", "app:1", "cat", "/from-context").out());

      file("Dockerfile", "FROM busybox\nRUN --mount=type=secret,id=x true\n");
      Cli.Result secret = berthd.ctl("build", context.toString());
      assertEquals(1, secret.exit(), secret::toString);
      assertEquals("RUN --mount=type=secret is not supported by berthctl build, which has no --secret to give it\n",
          secret.stderr());
    } finally {
      for (String volume : berthd.ctl("volume", "ls", "-q", "--filter", "label=berth.build.cache-mount").out()
          .lines().toList()) {
        berthd.ctl("volume", "rm", volume);
      }
    }
  }

  @Test
  void anImagesAbsoluteEtcLinkLeadsARunsInitLayerIntoTheImageNotOntoTheHost(@TempDir Path host, @TempDir Path tree)
      throws Exception {
    Files.createSymbolicLink(tree.resolve("etc"), host);
    tar(context.resolve("evil.tar"), tree, "etc");
    file("Dockerfile", """
        FROM scratch
        ADD evil.tar /
        COPY --from=busybox /bin/busybox /bin/busybox
        RUN ["/bin/busybox", "true"]
        """);
    ok("build", "-q", "--no-cache", context.toString());
    try (var left = Files.list(host)) {
      assertEquals(List.of(), left.toList(), "init layer files written on the host");
    }
  }

  private static void tar(Path archive, Path dir, String... names) throws Exception {
    List<String> command = new ArrayList<>(List.of("tar", "-cf", archive.toString(), "-C", dir.toString()));
    command.addAll(List.of(names));
    assertEquals(0, new ProcessBuilder(command).inheritIO().start().waitFor());
  }

  @Test
  void aSigintDuringARunCancelsTheBuildAndLeavesNothingBehind(@TempDir Path logs) throws Exception {
    List<String> snapshotsBefore = berthd.snapshotKeys();
    file("Dockerfile", "FROM busybox\nCOPY f /f\nRUN echo started && sleep 300\n");
    file("f", "x");
    Process build = buildUntilItsRunStarted(logs);
    try {
      assertEquals(0, new ProcessBuilder("kill", "-INT", String.valueOf(build.pid())).start().waitFor());
      assertTrue(build.waitFor(60, TimeUnit.SECONDS), "berthctl build did not exit on SIGINT");
    } finally {
      build.destroyForcibly().waitFor();
    }
    assertEquals("", ok("ps", "-aq").out());
    assertTrue(ok("images").out().lines().noneMatch(l -> l.contains("berthctl-build")), "intermediate record left");
    assertEquals(0, LeasesGrpc.newBlockingStub(berthd.channel()).list(ListRequest.getDefaultInstance()).getLeasesCount(),
        "leases left");
    assertTrue(Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().noneMatch(l -> l.contains("berthctl-build")),
        "mounts left");
    ok("system", "prune", "-f");
    List<String> left = new ArrayList<>(berthd.snapshotKeys());
    left.removeAll(snapshotsBefore);
    assertEquals(List.of(), left, "snapshots left behind");
  }

  @Test
  void aKilledBuildsContainerAndRecordGoWithAPruneOrTheNextBuild(@TempDir Path logs) throws Exception {
    file("Dockerfile", "FROM busybox\nRUN echo started && sleep 300\n");
    killMidRun(logs);
    String leftover = ok("ps", "-aq").out().strip();
    assertFalse(leftover.isEmpty(), "the SIGKILL left no container: nothing to test");
    assertTrue(ok("images").out().contains("berthctl-build/"), "the SIGKILL left no :run record");
    assertTrue(ok("container", "prune", "-f").out().contains(leftover), "container prune kept the running leftover");
    assertEquals("", ok("ps", "-aq").out());
    ok("image", "prune", "-f");
    assertFalse(ok("images").out().contains("berthctl-build/"), "image prune kept the :run record");

    killMidRun(logs);
    assertFalse(ok("ps", "-aq").out().isBlank());
    file("Dockerfile", "FROM busybox\nENV A=1\n");
    ok("build", "-q", context.toString());
    assertEquals("", ok("ps", "-aq").out(), "the next build left the killed one's container");
    assertFalse(ok("images").out().contains("berthctl-build/"), "the next build left the killed one's record");
  }

  @Test
  void aCacheWhoseFirstFillABuildKilledLeftIsFilledAgainByTheNextBuild(@TempDir Path logs) throws Exception {
    file("Dockerfile", "FROM busybox\nRUN mkdir /s && dd if=/dev/zero of=/s/big bs=1M count=300 && echo x > /s/mark\n");
    ok("build", "-q", "-t", "fill-seed", context.toString());
    file("Dockerfile", "FROM busybox\nRUN --mount=type=cache,id=killed-fill,target=/c,from=fill-seed,source=/s "
        + "test -f /c/mark && echo started\n");
    String volume = "berth-build-cache-" + Digests.hex(Digests.sha256("killed-fill".getBytes(StandardCharsets.UTF_8)))
        .substring(0, 24);
    try {
      ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
          System.getProperty("java.class.path"), BerthCtl.class.getName(), "build", context.toString())
          .redirectOutput(logs.resolve("out").toFile()).redirectError(logs.resolve("err").toFile());
      pb.environment().put("BERTH_ADDRESS", berthd.socket().toString());
      Process build = pb.start();
      try {
        // killed while it copies the seed's files into the new cache
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!filling(volume)) {
          assertTrue(build.isAlive() && System.nanoTime() < deadline, () -> "the fill was not seen: " + read(logs.resolve("err")));
          Thread.sleep(5);
        }
      } finally {
        build.destroyForcibly().waitFor();
      }
      assertTrue(ok("volume", "ls", "-q").out().contains(volume), "the kill left no cache volume: nothing to test");
      ok("build", "-q", context.toString());
    } finally {
      berthd.ctl("volume", "rm", volume);
      berthd.ctl("rmi", "fill-seed");
    }
  }

  /** Whether a fill of the cache volume {@code name} is under way: its staging directory beside its data. */
  private boolean filling(String name) throws Exception {
    Cli.Result inspect = berthd.ctl("volume", "inspect", "-f", "{{.Mountpoint}}", name);
    if (inspect.exit() != 0) {
      return false;
    }
    try (var beside = Files.list(Path.of(inspect.out().strip()).getParent())) {
      return beside.anyMatch(p -> p.getFileName().toString().startsWith(".berthctl-build-fill-"));
    }
  }

  /** Starts berthctl build in a process of its own and SIGKILLs it once its RUN has printed started. */
  private void killMidRun(Path logs) throws Exception {
    buildUntilItsRunStarted(logs).destroyForcibly().waitFor();
  }

  /**
   * berthctl build of the context in a process of its own, once its RUN has printed
   * {@code started}; killed if it does not within a minute.
   */
  private Process buildUntilItsRunStarted(Path logs) throws Exception {
    Path output = logs.resolve("out");
    ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
        System.getProperty("java.class.path"), BerthCtl.class.getName(), "build", "--no-cache", context.toString())
        .redirectOutput(output.toFile()).redirectError(logs.resolve("err").toFile());
    pb.environment().put("BERTH_ADDRESS", berthd.socket().toString());
    Process build = pb.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.readString(output).contains("started\n")) {
        assertTrue(build.isAlive() && System.nanoTime() < deadline, () -> "no RUN output: " + read(output));
        Thread.sleep(100);
      }
      return build;
    } catch (Exception | AssertionError e) {
      build.destroyForcibly().waitFor();
      throw e;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  @Test
  void aContextOrADockerfileOnStdin(@TempDir Path tree) throws Exception {
    Files.writeString(tree.resolve("Dockerfile"), "FROM busybox\nCOPY . /c/\n");
    Files.writeString(tree.resolve("f"), "from the tar");
    // as Docker's daemon: a tar is taken whole, but for the .dockerignore and Dockerfile it names
    Files.writeString(tree.resolve(".dockerignore"), "f\nDockerfile\n.dockerignore\n");
    tar(context.resolve("c.tar"), tree, "Dockerfile", "f", ".dockerignore");
    assertEquals(0, new ProcessBuilder("gzip", "-k", context.resolve("c.tar").toString()).start().waitFor());
    for (String archive : List.of("c.tar", "c.tar.gz")) {
      Cli.Result r = berthd.ctlWithInput(Files.readAllBytes(context.resolve(archive)), "build", "-q", "-t", "app:1",
          "-");
      assertEquals(0, r.exit(), r::toString);
      assertEquals("f\nfrom the tar", ok("run", "--rm", "app:1", "sh", "-c", "ls -A /c; cat /c/f").out());
    }
    Cli.Result dockerfile = berthd.ctlWithInput("FROM busybox\nRUN echo made > /m\n".getBytes(), "build", "-q", "-t",
        "app:1", "-");
    assertEquals(0, dockerfile.exit(), dockerfile::toString);
    assertEquals("made\n", ok("run", "--rm", "app:1", "cat", "/m").out());
  }

  @Test
  void dashFIsRelativeToTheCurrentDirectoryAsDockersCli(@TempDir Path elsewhere) throws Exception {
    file("c3/D1", "FROM busybox\nCOPY f /f\n");
    file("c3/f", "in c3");
    Path relative = Path.of("").toAbsolutePath().relativize(context.resolve("c3/D1"));
    ok("build", "-q", "-t", "app:1", "-f", relative.toString(), context.resolve("c3").toString());
    assertEquals("in c3", ok("run", "--rm", "app:1", "cat", "/f").out());
    // a Dockerfile outside the context is read too, as Docker's CLI sends it along
    Files.writeString(elsewhere.resolve("Outside"), "FROM busybox\nCOPY f /g\n");
    ok("build", "-q", "-t", "app:1", "-f", elsewhere.resolve("Outside").toString(), context.resolve("c3").toString());
    assertEquals("in c3", ok("run", "--rm", "app:1", "cat", "/g").out());
    Cli.Result missing = berthd.ctl("build", "-f", "no-such-Dockerfile", context.toString());
    assertEquals(1, missing.exit());
    assertTrue(missing.stderr().endsWith("unable to prepare context: unable to evaluate symlinks in Dockerfile path: "
        + "lstat " + Path.of("no-such-Dockerfile").toAbsolutePath() + ": no such file or directory\n"), missing::toString);
  }
}
