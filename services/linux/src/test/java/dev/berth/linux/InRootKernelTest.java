package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Paths resolved by the kernel inside a directory taken as root, and the file calls made on what they lead to. */
class InRootKernelTest {
  @TempDir
  Path tmp;

  @Test
  void symlinksOutOfTheRootStayInsideIt() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    Path host = Files.createDirectories(tmp.resolve("host"));
    Files.writeString(host.resolve("secret"), "the host's\n");
    Files.createSymbolicLink(root.resolve("abs"), host);
    Files.createSymbolicLink(root.resolve("up"), Path.of("../../../../../../.." + host));
    Files.createSymbolicLink(root.resolve("magic"), Path.of("/proc/self/root" + host));
    Files.createDirectories(root.resolve(host.toString().substring(1)));
    Files.writeString(root.resolve(host.toString().substring(1)).resolve("secret"), "the root's\n");
    try (InRoot in = InRoot.open(root)) {
      for (String path : List.of("abs/secret", "up/secret", "/abs/secret", "../abs/secret")) {
        try (FileHandle f = in.resolve(path, true); var content = f.read()) {
          assertEquals("the root's\n", new String(content.readAllBytes(), StandardCharsets.UTF_8), path);
        }
      }
      // the root has no /proc of its own: the link leads nowhere, not to the host's
      assertTrue(in.find("magic/secret", true).isEmpty());
      try (FileHandle link = in.resolve("abs", false)) {
        assertTrue(link.stat().isSymbolicLink());
        assertEquals(host.toString(), link.readLink());
      }
      assertTrue(in.find("no/such", true).isEmpty());
      // named as the root resolves it, the last link kept unless followed
      assertEquals(host + "/secret", in.canonical("/up/secret", true));
      assertEquals("/abs", in.canonical("/abs", false));
      assertEquals(host + "/missing/x", in.canonical("abs/missing/x", false));
    }
  }

  @Test
  void theHostsRootFollowsProcMagicLinksAsTheHostDoes() throws Exception {
    Files.writeString(tmp.resolve("f"), "the host's\n");
    try (InRoot host = InRoot.host();
        FileHandle f = host.resolve("/proc/" + ProcessHandle.current().pid() + "/root" + tmp + "/f", true);
        var content = f.read()) {
      assertEquals("the host's\n", new String(content.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void aProcessRootIsTakenOnlyWhileItsPidIsStillTheProcessMeant() throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "1000").start();
    try {
      int pid = (int) sleeper.pid();
      Optional<InRoot> taken = InRoot.ofProcess(pid, () -> true);
      assertTrue(taken.isPresent());
      try (InRoot root = taken.get(); FileHandle etc = root.resolve("/etc", true)) {
        assertTrue(etc.stat().isDirectory());
      }
      // the caller's check says the PID is no longer the one it meant
      assertTrue(InRoot.ofProcess(pid, () -> false).isEmpty());
      // the process ends between the root's opening and the check: its PID may be another's by then
      assertTrue(InRoot.ofProcess(pid, () -> {
        sleeper.destroyForcibly();
        try {
          sleeper.waitFor();
        } catch (InterruptedException e) {
          throw new IllegalStateException(e);
        }
        return true;
      }).isEmpty());
      assertTrue(InRoot.ofProcess(pid, () -> true).isEmpty(), "a PID no process has");
    } finally {
      sleeper.destroyForcibly();
    }
  }

  @Test
  void xattrsOfEveryNamespaceAreReadAndSetThroughTheDescriptor() throws Exception {
    Path file = Files.writeString(tmp.resolve("f"), "x");
    try (InRoot in = InRoot.open(tmp); FileHandle f = in.resolve("f", false)) {
      assertNull(f.xattr("user.note"));
      f.setXattr("user.note", new byte[] {1, 2});
      f.setXattr("trusted.note", new byte[0]);
      assertArrayEquals(new byte[] {1, 2}, Xattrs.get(file, "user.note"));
      assertArrayEquals(new byte[] {1, 2}, f.xattr("user.note"));
      assertArrayEquals(new byte[0], f.xattr("trusted.note"));
    }
  }

  @Test
  void filesAreMadeLinkedOwnedAndRemovedThroughTheirDirectory() throws Exception {
    Path root = Files.createDirectories(tmp.resolve("root"));
    try (InRoot in = InRoot.open(root); FileHandle dir = in.root().mkdir("d", 0755)) {
      try (FileHandle f = dir.createFile("f", 0600); OutputStream out = f.write()) {
        out.write("made\n".getBytes(StandardCharsets.UTF_8));
        f.chown(1000, 1001);
        f.chmod(04755);
        f.setModified(Instant.ofEpochSecond(1_000_000));
      }
      FileStat stat = in.resolve("d/f", false).stat();
      assertEquals(List.of(1000, 1001, 04755, 5L, Instant.ofEpochSecond(1_000_000)),
          List.of(stat.uid(), stat.gid(), stat.permissions(), stat.size(), stat.modified()));
      try (FileHandle f = dir.child("f").orElseThrow()) {
        dir.link(f, "hard");
      }
      dir.symlink("/etc/passwd", "s");
      assertEquals(List.of("f", "hard", "s"), dir.list().stream().sorted().toList());
      assertArrayEquals("made\n".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(root.resolve("d/hard")));
      // a symlink where a file is to be made is not followed
      assertEquals(ErrnoException.EEXIST, assertThrows(ErrnoException.class, () -> dir.createFile("s", 0644)).errno());
      dir.remove("s");
      dir.remove("f");
      assertFalse(Files.exists(root.resolve("d/f")));
      assertThrows(IllegalArgumentException.class, () -> dir.child(".."));
    }
  }
}
