package dev.berth.client.containers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.client.ClientException;
import dev.berth.linux.Xattrs;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Arrays;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TarStreamsTest {
  @TempDir
  Path dir;

  @Test
  void aTreeWrittenAndUnpackedKeepsFilesModesAndSymlinks() throws IOException {
    Path src = Files.createDirectories(dir.resolve("src/site/sub"));
    Files.writeString(src.resolve("run.sh"), "#!/bin/sh\n");
    Files.setPosixFilePermissions(src.resolve("run.sh"), PosixFilePermissions.fromString("rwxr-x---"));
    Files.createSymbolicLink(src.resolve("link"), Path.of("run.sh"));
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tarOf(src.getParent(), "site", tar);

    Path root = Files.createDirectories(dir.resolve("root/data"));
    TarStreams.extract(new ByteArrayInputStream(tar.toByteArray()), root.getParent(), "/data");
    Path copied = root.resolve("site/sub");
    assertEquals("#!/bin/sh\n", Files.readString(copied.resolve("run.sh")));
    assertEquals("rwxr-x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(copied.resolve("run.sh"))));
    assertEquals(Path.of("run.sh"), Files.readSymbolicLink(copied.resolve("link")));
  }

  @Test
  void theArchivesOwnersAreKeptOnlyWhenAskedForAndBeforeTheMode() throws IOException {
    assumeTrue(((Number) Files.getAttribute(dir, "unix:uid")).intValue() == 0, "chown needs root");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry file = new TarArchiveEntry("d/su");
      file.setMode(0104755);
      file.setIds(1234, 5678);
      file.setSize(1);
      tar.putArchiveEntry(file);
      tar.write('x');
      tar.closeArchiveEntry();
      TarArchiveEntry link = new TarArchiveEntry("d/l", TarArchiveEntry.LF_SYMLINK);
      link.setLinkName("su");
      link.setIds(4321, 8765);
      tar.putArchiveEntry(link);
      tar.closeArchiveEntry();
      TarArchiveEntry hard = new TarArchiveEntry("d/h", TarArchiveEntry.LF_LINK);
      hard.setLinkName("d/su");
      hard.setIds(1234, 5678);
      tar.putArchiveEntry(hard);
      tar.closeArchiveEntry();
    }
    Path kept = Files.createDirectories(dir.resolve("kept"));
    TarStreams.extract(new ByteArrayInputStream(bytes.toByteArray()), kept, "/", TarStreams.Unpacking.ADD);
    assertEquals("1234:5678 4755", owners(kept.resolve("d/su")) + " " + Integer.toOctalString(mode(kept.resolve("d/h"))));
    assertEquals("4321:8765", owners(kept.resolve("d/l")));
    Path root = Files.createDirectories(dir.resolve("root"));
    TarStreams.extract(new ByteArrayInputStream(bytes.toByteArray()), root, "/");
    assertEquals("0:0", owners(root.resolve("d/su")), "cp's files are root's");
  }

  @Test
  void aHardLinkToAMissingFileIsToldWithThePathsTheRootSees() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      TarArchiveEntry hard = new TarArchiveEntry("t/h", TarArchiveEntry.LF_LINK);
      hard.setLinkName("missing");
      tar.putArchiveEntry(hard);
      tar.closeArchiveEntry();
    }
    Path root = Files.createDirectories(dir.resolve("root/data"));
    ClientException e = assertThrows(ClientException.class,
        () -> TarStreams.extract(new ByteArrayInputStream(bytes.toByteArray()), root.getParent(), "/data"));
    assertEquals("link /data/missing /data/t/h: no such file or directory", e.getMessage());
  }

  private static String owners(Path p) throws IOException {
    return Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS) + ":"
        + Files.getAttribute(p, "unix:gid", LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void directoriesKeepTheirTimesThoughFilesAreMadeInThemAfterwards() throws IOException {
    Path src = Files.createDirectories(dir.resolve("src/site/sub"));
    Files.writeString(src.resolve("f"), "x");
    FileTime then = FileTime.from(Instant.parse("2020-01-02T03:04:05Z"));
    Files.setLastModifiedTime(src, then);
    Files.setLastModifiedTime(src.getParent(), then);
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tarOf(src.getParent(), "site", tar);

    Path root = Files.createDirectories(dir.resolve("root"));
    TarStreams.extract(new ByteArrayInputStream(tar.toByteArray()), root, "/");
    assertEquals(then, Files.getLastModifiedTime(root.resolve("site")));
    assertEquals(then, Files.getLastModifiedTime(root.resolve("site/sub")));
  }

  @Test
  void fileCapabilitiesAreArchivedAsDockersAndEveryXattrOfTheArchiveUnpacked() throws Exception {
    assumeTrue(((Number) Files.getAttribute(dir, "unix:uid")).intValue() == 0, "setting capabilities needs root");
    Path file = Files.writeString(dir.resolve("ping"), "#!/bin/sh\n");
    // revision 3 (a user namespace's, its root uid 100000), CAP_SETUID permitted: a byte no UTF-8 text holds
    byte[] v3 = {1, 0, 0, 3, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xa0, (byte) 0x86, 1, 0};
    Xattrs.set(file, "security.capability", v3);
    Xattrs.set(file, "user.origin", "host".getBytes(StandardCharsets.UTF_8));
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tarOf(file, "ping", tar);
    byte[] v2 = Arrays.copyOf(v3, 20);
    v2[3] = 2;
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar.toByteArray()))) {
      // the capability only, as Docker's archive: revision 2, as a user namespace's root means nothing outside it
      assertEquals(Set.of("SCHILY.xattr.security.capability"), in.getNextEntry().getExtraPaxHeaders().keySet());
    }
    // with a name too long for the header, in the one PAX header as Go writes it, not in a second
    String longName = "n".repeat(150);
    ByteArrayOutputStream longTar = new ByteArrayOutputStream();
    tarOf(file, longName, longTar);
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(longTar.toByteArray()))) {
      assertEquals(longName, in.getNextEntry().getName());
    }
    // its bytes as they are, as Go's writer puts them, so GNU tar (as Docker) sets them
    Path gnu = Files.createDirectories(dir.resolve("gnu"));
    gnuUntar(tar.toByteArray(), gnu);
    gnuUntar(longTar.toByteArray(), gnu);
    assertArrayEquals(v2, Xattrs.get(gnu.resolve("ping"), "security.capability"));
    assertArrayEquals(v2, Xattrs.get(gnu.resolve(longName), "security.capability"));

    ByteArrayOutputStream more = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(more)) {
      TarArchiveEntry e = new TarArchiveEntry("noted");
      e.addPaxHeader("SCHILY.xattr.user.note", "kept");
      out.putArchiveEntry(e);
      out.closeArchiveEntry();
      // bsdtar's form
      TarArchiveEntry bsd = new TarArchiveEntry("bsd");
      bsd.addPaxHeader("LIBARCHIVE.xattr.user.note", "YnNk");
      out.putArchiveEntry(bsd);
      out.closeArchiveEntry();
    }
    Path root = Files.createDirectories(dir.resolve("root"));
    TarStreams.extract(new ByteArrayInputStream(tar.toByteArray()), root, "/");
    TarStreams.extract(new ByteArrayInputStream(more.toByteArray()), root, "/");
    assertArrayEquals(v2, Xattrs.get(root.resolve("ping"), "security.capability"));
    assertEquals(null, Xattrs.get(root.resolve("ping"), "user.origin"));
    assertArrayEquals("kept".getBytes(StandardCharsets.UTF_8), Xattrs.get(root.resolve("noted"), "user.note"));
    assertArrayEquals("bsd".getBytes(StandardCharsets.UTF_8), Xattrs.get(root.resolve("bsd"), "user.note"));
  }

  @Test
  void anEntryWhoseXattrTheKernelRefusesFailsTheUnpackingAndIsNotLeftBehind() throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(root.resolve("kept"));
    // no namespace (a climbing or absolute name is no path to the kernel), and a value over 64 KiB
    // Docker's daemon's words, Go's for the errno, the path as the root shows it ("/kept", not "//kept")
    for (String[] xattr : new String[][] {{"../x", "v", "operation not supported"},
        {"/etc/x", "v", "operation not supported"}, {"user.big", "a".repeat(70_000), "argument list too long"}}) {
      ByteArrayOutputStream archive = new ByteArrayOutputStream();
      try (TarArchiveOutputStream out = new TarArchiveOutputStream(archive)) {
        for (String name : new String[] {"kept/", "f"}) {
          TarArchiveEntry e = new TarArchiveEntry(name);
          e.addPaxHeader("SCHILY.xattr." + xattr[0], xattr[1]);
          out.putArchiveEntry(e);
          out.closeArchiveEntry();
        }
      }
      ClientException refused = assertThrows(ClientException.class,
          () -> TarStreams.extract(new ByteArrayInputStream(archive.toByteArray()), root, "/"));
      assertEquals("lsetxattr " + xattr[0] + " /kept: " + xattr[2], refused.getMessage());
      assertTrue(Files.isDirectory(root.resolve("kept")), "a directory that was there stays");
    }
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(archive)) {
      TarArchiveEntry e = new TarArchiveEntry("made/");
      e.addPaxHeader("SCHILY.xattr.bogus.x", "v");
      out.putArchiveEntry(e);
      out.closeArchiveEntry();
    }
    assertThrows(ClientException.class, () -> TarStreams.extract(new ByteArrayInputStream(archive.toByteArray()), root, "/"));
    assertFalse(Files.exists(root.resolve("made"), LinkOption.NOFOLLOW_LINKS));
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(file)) {
      TarArchiveEntry e = new TarArchiveEntry("f");
      e.setSize(1);
      e.addPaxHeader("SCHILY.xattr.../x", "v");
      out.putArchiveEntry(e);
      out.write('x');
      out.closeArchiveEntry();
    }
    assertThrows(ClientException.class, () -> TarStreams.extract(new ByteArrayInputStream(file.toByteArray()), root, "/"));
    assertFalse(Files.exists(root.resolve("f"), LinkOption.NOFOLLOW_LINKS), "no file with the contents but not the mode");
  }

  @Test
  void addLeavesOutAnXattrTheFileSystemDoesNotSupportWhereCpFailsAsDockersBuilderAndDaemon() throws IOException {
    // a Mac's tar: its quarantine attribute is in no namespace Linux knows (EOPNOTSUPP)
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(archive)) {
      TarArchiveEntry e = new TarArchiveEntry("app/notes.txt");
      e.setSize(2);
      e.setMode(0100640);
      e.addPaxHeader("SCHILY.xattr.com.apple.quarantine", "0081;5f0c;Safari;");
      e.addPaxHeader("SCHILY.xattr.user.origin", "mac");
      out.putArchiveEntry(e);
      out.write("hi".getBytes(StandardCharsets.UTF_8));
      out.closeArchiveEntry();
    }
    Path added = Files.createDirectories(dir.resolve("added"));
    TarStreams.extract(new ByteArrayInputStream(archive.toByteArray()), added, "/srv/", TarStreams.Unpacking.ADD);
    Path notes = added.resolve("srv/app/notes.txt");
    assertEquals("hi", Files.readString(notes));
    assertEquals("rw-r-----", PosixFilePermissions.toString(Files.getPosixFilePermissions(notes)));
    assertArrayEquals("mac".getBytes(StandardCharsets.UTF_8), Xattrs.get(notes, "user.origin"));

    Path copied = Files.createDirectories(dir.resolve("copied"));
    ClientException refused = assertThrows(ClientException.class,
        () -> TarStreams.extract(new ByteArrayInputStream(archive.toByteArray()), copied, "/srv/"));
    assertEquals("lsetxattr com.apple.quarantine /srv/app/notes.txt: operation not supported", refused.getMessage());
    assertFalse(Files.exists(copied.resolve("srv/app/notes.txt"), LinkOption.NOFOLLOW_LINKS));
  }

  @Test
  void aCapabilityInAPaxRecordAsDockerAndGnuTarWriteItIsSetByteForByte() throws IOException {
    assumeTrue(((Number) Files.getAttribute(dir, "unix:uid")).intValue() == 0, "setting capabilities needs root");
    // cap_setuid+p, revision 2: its 0x80 is no UTF-8, and Go's writer (Docker) and GNU tar put it raw
    byte[] capability = {1, 0, 0, 2, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    byte[] key = "SCHILY.xattr.security.capability=".getBytes(StandardCharsets.US_ASCII);
    int length = 3 + key.length + capability.length + 1;
    record.write((length + " ").getBytes(StandardCharsets.US_ASCII));
    record.write(key);
    record.write(capability);
    record.write('\n');
    ByteArrayOutputStream archive = new ByteArrayOutputStream();
    try (TarArchiveOutputStream out = new TarArchiveOutputStream(archive)) {
      TarArchiveEntry pax = new TarArchiveEntry("PaxHeaders.0/ping", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
      pax.setSize(record.size());
      out.putArchiveEntry(pax);
      out.write(record.toByteArray());
      out.closeArchiveEntry();
      TarArchiveEntry ping = new TarArchiveEntry("ping");
      ping.setSize(2);
      out.putArchiveEntry(ping);
      out.write("#\n".getBytes(StandardCharsets.US_ASCII));
      out.closeArchiveEntry();
      file(out, "plain");
    }
    Path root = Files.createDirectories(dir.resolve("root"));
    TarStreams.extract(new ByteArrayInputStream(archive.toByteArray()), root, "/");
    assertArrayEquals(capability, Xattrs.get(root.resolve("ping"), "security.capability"));
    assertEquals("#\n", Files.readString(root.resolve("ping")));
    // the entry after has none of them
    assertEquals(null, Xattrs.get(root.resolve("plain"), "security.capability"));
  }

  @Test
  void aSmallFileIsAHeaderADataBlockAndTheTwoEndBlocksAsDockersArchive() throws IOException {
    Path file = Files.writeString(dir.resolve("hostname"), "2979681c7282\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.parse("2026-12-05T14:08:36.983839400Z")));
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tarOf(file, "hostname", tar);
    // Docker's daemon truncates times to whole seconds, so no PAX header is needed for them, and
    // Go's archive/tar pads no record: 2 KiB
    assertEquals(4 * 512, tar.size());
    try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar.toByteArray()))) {
      TarArchiveEntry entry = in.getNextEntry();
      assertEquals("hostname", entry.getName());
      assertEquals(Instant.parse("2026-12-05T14:08:36Z"), entry.getLastModifiedTime().toInstant());
    }
  }

  @Test
  void setuidSetgidAndStickyBitsSurviveTheArchive() throws IOException {
    Path src = Files.createDirectories(dir.resolve("src/bits"));
    Files.writeString(src.resolve("su"), "#!/bin/sh\n");
    Files.setAttribute(src.resolve("su"), "unix:mode", 04755);
    Files.writeString(src.resolve("sg"), "#!/bin/sh\n");
    Files.setAttribute(src.resolve("sg"), "unix:mode", 02755);
    Files.setAttribute(src, "unix:mode", 01777);
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    tarOf(src, "bits", tar);

    Path root = Files.createDirectories(dir.resolve("root"));
    TarStreams.extract(new ByteArrayInputStream(tar.toByteArray()), root, "/");
    assertEquals(04755, mode(root.resolve("bits/su")));
    assertEquals(02755, mode(root.resolve("bits/sg")));
    assertEquals(01777, mode(root.resolve("bits")));
  }

  private static int mode(Path file) throws IOException {
    return (int) Files.getAttribute(file, "unix:mode") & 07777;
  }

  @Test
  void entriesCannotLeaveTheRootThroughParentsOrSymlinks() throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    Path outside = Files.createDirectories(dir.resolve("outside"));
    // a symlink inside the root to an absolute path resolves in the root, as the container sees it
    Files.createSymbolicLink(root.resolve("escape"), outside);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      file(tar, "../../up.txt");
      file(tar, "escape/through-link.txt");
    }
    TarStreams.extract(new ByteArrayInputStream(bytes.toByteArray()), root, "/");
    assertTrue(Files.exists(root.resolve("up.txt")));
    assertFalse(Files.exists(dir.resolve("up.txt")));
    assertFalse(Files.exists(outside.resolve("through-link.txt")));
    assertTrue(Files.exists(root.resolve(outside.toString().substring(1)).resolve("through-link.txt")));
  }

  @Test
  void entriesLeavingTheDirectoryUnpackedIntoAreRefusedInDockersWords() throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(root.resolve("tmp"));
    Files.createDirectories(root.resolve("etc"));
    assertEquals("\"../etc/passwd\" is outside of \"/tmp\"",
        refusal(root, tar -> file(tar, "a/../../etc/passwd")));
    assertEquals("invalid symlink \"/tmp/l\" -> \"../etc\"", refusal(root, tar -> link(tar, "l", "../etc", true)));
    assertEquals("invalid hardlink \"/etc/passwd\" -> \"../etc/passwd\"",
        refusal(root, tar -> link(tar, "h", "../etc/passwd", false)));
    try (var left = Files.list(root.resolve("etc"))) {
      assertEquals(0, left.count(), "nothing written in /etc");
    }
    // as Docker's: an absolute name, or a symlink to an absolute target, is under the directory or
    // resolves in the root, and a symlink entry then an entry through it stay in the root
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      file(tar, "/../abs.txt");
      link(tar, "up", "/etc", true);
      file(tar, "up/through.txt");
    }
    TarStreams.extract(new ByteArrayInputStream(bytes.toByteArray()), root, "/tmp");
    assertTrue(Files.exists(root.resolve("tmp/abs.txt")));
    assertTrue(Files.exists(root.resolve("etc/through.txt")));
    assertFalse(Files.exists(Path.of("/etc/through.txt")));
  }

  private interface Entries {
    void write(TarArchiveOutputStream tar) throws IOException;
  }

  private static String refusal(Path root, Entries entries) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      entries.write(tar);
    }
    return assertThrows(ClientException.class,
        () -> TarStreams.extract(new ByteArrayInputStream(bytes.toByteArray()), root, "/tmp")).getMessage();
  }

  private static void link(TarArchiveOutputStream tar, String name, String target, boolean symbolic)
      throws IOException {
    TarArchiveEntry e = new TarArchiveEntry(name, symbolic ? TarArchiveEntry.LF_SYMLINK : TarArchiveEntry.LF_LINK);
    e.setLinkName(target);
    tar.putArchiveEntry(e);
    tar.closeArchiveEntry();
  }

  @Test
  void inputThatIsNoTarIsRefusedAndAnEmptyArchiveTaken() throws IOException {
    Path root = Files.createDirectories(dir.resolve("root"));
    for (byte[] input : new byte[][] {"notatar\n".getBytes(StandardCharsets.UTF_8), new byte[0],
        "x".repeat(2048).getBytes(StandardCharsets.UTF_8)}) {
      ClientException e = assertThrows(ClientException.class,
          () -> TarStreams.extract(new ByteArrayInputStream(input), root, "/"));
      assertEquals("the input is not a tar archive", e.getMessage());
    }
    ByteArrayOutputStream empty = new ByteArrayOutputStream();
    new TarArchiveOutputStream(empty).close();
    TarStreams.extract(new ByteArrayInputStream(empty.toByteArray()), root, "/");
    try (var left = Files.list(root)) {
      assertEquals(0, left.count());
    }
  }

  private static void file(TarArchiveOutputStream tar, String name) throws IOException {
    byte[] data = "x".getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name, true);
    e.setSize(data.length);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }

  /** Writes host file or tree {@code source} as a tar archive of entries named from {@code name}, as cp writes one. */
  private static void gnuUntar(byte[] archive, Path into) throws Exception {
    Process untar = new ProcessBuilder("tar", "--xattrs", "--xattrs-include=*", "-xf", "-", "-C", into.toString())
        .redirectErrorStream(true).start();
    try (var stdin = untar.getOutputStream()) {
      stdin.write(archive);
    }
    String said = new String(untar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, untar.waitFor(), said);
  }

  private static void tarOf(Path source, String name, java.io.OutputStream out) throws IOException {
    try (dev.berth.linux.InRoot host = dev.berth.linux.InRoot.open(Path.of("/"));
        dev.berth.linux.FileHandle file = host.resolve(source.toAbsolutePath().toString(), false)) {
      TarStreams.write(file, name, Set.of(), out);
    }
  }
}
