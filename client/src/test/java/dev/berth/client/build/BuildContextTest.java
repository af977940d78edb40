package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuildContextTest {
  @TempDir
  Path dir;

  @Test
  void aTarContextIsTakenWholeButForTheBuildFilesItsDockerignoreNames() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes)) {
      put(tar, ".dockerignore", "secret\nDockerfile\n");
      put(tar, "Dockerfile", "FROM scratch\n");
      put(tar, "secret", "s");
    }
    try (BuildContext context = BuildContext.tar(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals("FROM scratch\n", context.dockerfile(null));
      assertTrue(context.files().included().test("secret"), "Docker's daemon does not filter a tar");
      assertTrue(context.files().included().test(".dockerignore"));
      assertFalse(Files.exists(context.root().resolve("Dockerfile")), "named in .dockerignore, so taken out");
    }
  }

  @Test
  void aDirectoryContextLeavesOutWhatItsDockerignoreNames() throws IOException {
    Files.writeString(dir.resolve(".dockerignore"), "secret\n");
    Files.writeString(dir.resolve("secret"), "s");
    assertFalse(BuildContext.directory(dir).files().included().test("secret"));
  }

  private static void put(TarArchiveOutputStream tar, String name, String text) throws IOException {
    byte[] data = text.getBytes(StandardCharsets.UTF_8);
    TarArchiveEntry e = new TarArchiveEntry(name);
    e.setSize(data.length);
    tar.putArchiveEntry(e);
    tar.write(data);
    tar.closeArchiveEntry();
  }
}
