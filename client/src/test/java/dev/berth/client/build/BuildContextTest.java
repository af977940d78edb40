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
import java.util.zip.GZIPOutputStream;
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
  void aTarContextCountsTheBytesOfTheStreamAsDockersCliSendsThem() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
      put(tar, "Dockerfile", "FROM scratch\n");
      put(tar, "big", "x".repeat(100_000));
    }
    try (BuildContext context = BuildContext.tar(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(bytes.size(), context.sentBytes(), "the compressed stream, not the unpacked files");
    }
    ByteArrayOutputStream plain = new ByteArrayOutputStream();
    try (TarArchiveOutputStream tar = new TarArchiveOutputStream(plain)) {
      put(tar, "Dockerfile", "FROM scratch\n");
    }
    // GNU tar pads its archive to a 10240-byte record after the end blocks; the stream carries it
    plain.write(new byte[10240 - plain.size()]);
    try (BuildContext context = BuildContext.tar(new ByteArrayInputStream(plain.toByteArray()))) {
      assertEquals(10240, context.sentBytes());
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
