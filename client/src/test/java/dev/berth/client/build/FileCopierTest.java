package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** COPY's rules on plain directories: a context and a root file system, no daemon. */
class FileCopierTest {
  @TempDir
  Path context;
  @TempDir
  Path rootfs;
  private CopySource source;

  @BeforeEach
  void files() throws Exception {
    Files.writeString(context.resolve("a.txt"), "a");
    Files.createDirectories(context.resolve("dir/sub"));
    Files.writeString(context.resolve("dir/sub/b.txt"), "b");
    Files.writeString(context.resolve("dir/skip.log"), "no");
    Files.createSymbolicLink(context.resolve("link.txt"), Path.of("a.txt"));
    Files.writeString(context.resolve(".dockerignore"), "**/*.log\n");
    source = BuildContext.directory(context).files();
  }

  private void copy(List<String> sources, String dest) throws Exception {
    List<CopySource.Found> paths = sources.stream().flatMap(s -> source.resolve(s).stream()).toList();
    new FileCopier(rootfs, 0, 0, null, new Cancellation()).copy(source, paths, dest, false);
  }

  @Test
  void aDirectorysContentsGoIntoTheDestinationWithoutWhatIsIgnored() throws Exception {
    copy(List.of("dir"), "/app");
    assertEquals("b", Files.readString(rootfs.resolve("app/sub/b.txt")));
    assertFalse(Files.exists(rootfs.resolve("app/skip.log")));
    assertFalse(Files.exists(rootfs.resolve("app/dir")));
  }

  @Test
  void aFileGoesIntoADirectoryWhenTheDestinationEndsInASlashElseItIsTheFile() throws Exception {
    copy(List.of("a.txt"), "/x/");
    copy(List.of("a.txt"), "/y");
    assertEquals("a", Files.readString(rootfs.resolve("x/a.txt")));
    assertTrue(Files.isRegularFile(rootfs.resolve("y")));
  }

  @Test
  void setuidAndSetgidBitsStayAsDockersCopyKeepsThem() throws Exception {
    Path tool = context.resolve("tool");
    Files.writeString(tool, "#!/bin/sh\n");
    Files.setAttribute(tool, "unix:mode", 06755);
    // a chown after the mode would clear the setuid and setgid bits
    new FileCopier(rootfs, 1000, 1000, null, new Cancellation()).copy(source,
        List.of("tool").stream().flatMap(s -> source.resolve(s).stream()).toList(), "/bin/", false);
    assertEquals(06755, (Integer) Files.getAttribute(rootfs.resolve("bin/tool"), "unix:mode") & 07777);
    assertEquals(1000, Files.getAttribute(rootfs.resolve("bin/tool"), "unix:uid"));
  }

  @Test
  void aLinkNamedAsSourceIsFollowedAndKeepsItsName() throws Exception {
    copy(List.of("link.txt"), "/l/");
    Path copied = rootfs.resolve("l/link.txt");
    assertFalse(Files.isSymbolicLink(copied));
    assertEquals("a", Files.readString(copied));
  }

  @Test
  void globsMatchWithinOneDirectoryLevel() {
    assertEquals(List.of(new CopySource.Found("a.txt", "a.txt"), new CopySource.Found("link.txt", "a.txt")),
        source.resolve("*.txt"));
    assertEquals(List.of(new CopySource.Found("dir/sub/b.txt", "dir/sub/b.txt")), source.resolve("dir/*/b.txt"));
    assertEquals(List.of(), source.resolve("dir/skip.log"));
  }

  @Test
  void linksOnTheWayAreResolvedInsideTheContextNeverOnTheHost(@TempDir Path host) throws Exception {
    Files.writeString(host.resolve("hostname"), "the host's");
    Files.createSymbolicLink(context.resolve("linkdir"), host);
    Files.createSymbolicLink(context.resolve("hostlink"), host.resolve("hostname"));
    Files.createSymbolicLink(context.resolve("up"), Path.of("../../.."));
    assertEquals(List.of(), source.resolve("linkdir/hostname"));
    assertEquals(List.of(), source.resolve("hostlink"));
    assertEquals(List.of(), source.resolve("*/hostname"));
    // ".." above the context's top stays at the top, as in a container's root
    assertEquals(List.of(new CopySource.Found("up/a.txt", "a.txt")), source.resolve("up/a.txt"));
  }

  @Test
  void dockerignoreAppliesToWhereALinkLeads() throws Exception {
    Files.writeString(context.resolve("secret.txt"), "no");
    Files.writeString(context.resolve(".dockerignore"), "**/*.log\nsecret.txt\n");
    Files.createSymbolicLink(context.resolve("tosecret"), Path.of("secret.txt"));
    Files.createSymbolicLink(context.resolve("todir"), Path.of("dir"));
    source = BuildContext.directory(context).files();
    assertEquals(List.of(), source.resolve("tosecret"));
    copy(List.of("todir"), "/t");
    assertEquals("b", Files.readString(rootfs.resolve("t/sub/b.txt")));
    assertFalse(Files.exists(rootfs.resolve("t/skip.log")));
  }

  @Test
  void anExceptionUnderAnIgnoredDirectoryBringsBackWhatDockersCliSends() throws Exception {
    Files.createDirectories(context.resolve("ign/drop"));
    Files.writeString(context.resolve("ign/keep"), "k");
    Files.writeString(context.resolve("ign/other"), "no");
    Files.writeString(context.resolve("ign/drop/x"), "no");
    Files.createDirectories(context.resolve("gone"));
    Files.writeString(context.resolve("gone/keep"), "no");
    Files.createDirectories(context.resolve("empty"));
    // the CLI walks into an ignored directory only when an exception's text begins under it
    Files.writeString(context.resolve(".dockerignore"), "ign\n!ign/keep\ngone\n!**/keep\nempty\n!empty/none\n");
    source = BuildContext.directory(context).files();
    copy(List.of("ign"), "/x");
    assertEquals("k", Files.readString(rootfs.resolve("x/keep")));
    assertFalse(Files.exists(rootfs.resolve("x/other")));
    assertFalse(Files.exists(rootfs.resolve("x/drop")));
    copy(List.of("."), "/all");
    assertEquals("k", Files.readString(rootfs.resolve("all/ign/keep")));
    assertFalse(Files.exists(rootfs.resolve("all/gone")));
    assertFalse(Files.exists(rootfs.resolve("all/empty")));
    assertEquals(List.of(), source.resolve("gone/keep"));
    assertEquals(List.of(), source.resolve("empty"));
    assertEquals(List.of(), source.resolve("ign/drop"));
  }
}
