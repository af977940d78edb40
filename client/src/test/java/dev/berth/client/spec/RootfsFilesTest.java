package dev.berth.client.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.client.ClientException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootfsFilesTest {
  @TempDir
  Path dir;

  private String read(RootfsFiles files, String path) {
    return new String(files.read(path).orElseThrow(), StandardCharsets.UTF_8);
  }

  @Test
  void symlinksResolveInsideTheRoot() throws Exception {
    Path root = Files.createDirectories(dir.resolve("root"));
    Files.createDirectories(root.resolve("usr/lib"));
    Files.createDirectories(root.resolve("etc"));
    Files.writeString(root.resolve("usr/lib/passwd"), "inside\n");
    Files.writeString(dir.resolve("passwd"), "outside\n");
    Files.writeString(dir.resolve("group"), "outside\n");
    Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("/usr/lib/passwd"));
    Files.createSymbolicLink(root.resolve("etc/group"), Path.of("../../../group"));

    RootfsFiles files = RootfsFiles.directory(root);
    assertEquals("inside\n", read(files, "/etc/passwd"), "an absolute target is taken inside the root");
    assertTrue(files.read("/etc/group").isEmpty(), "'..' stops at the root: /group does not exist there");
    assertTrue(files.read("/etc/shadow").isEmpty());
    assertTrue(RootfsFiles.none().read("/etc/passwd").isEmpty());
  }

  @Test
  void linkLoopsAreRefused() throws Exception {
    Path root = Files.createDirectories(dir.resolve("loop"));
    Files.createDirectories(root.resolve("etc"));
    Files.createSymbolicLink(root.resolve("etc/passwd"), Path.of("passwd"));
    assertThrows(ClientException.class,
        () -> RootfsFiles.directory(root).read("/etc/passwd"));
  }
}
