package dev.berth.client.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cache key of what COPY copies: it changes exactly when what would be copied changes. */
class CopyHashTest {
  @TempDir
  Path context;

  @BeforeEach
  void files() throws Exception {
    Files.createDirectories(context.resolve("src"));
    Files.writeString(context.resolve("src/main.c"), "int main;");
    Files.writeString(context.resolve("src/key.pem"), "secret");
    Files.writeString(context.resolve("target.txt"), "one");
    Files.createSymbolicLink(context.resolve("link.txt"), Path.of("target.txt"));
  }

  private String hash(String source) throws Exception {
    CopySource files = BuildContext.directory(context).files();
    return CopyHash.of(files, files.resolve(source));
  }

  @Test
  void anEntryDockerignoreNowLeavesOutChangesTheHash() throws Exception {
    String before = hash("src/");
    Files.writeString(context.resolve(".dockerignore"), "src/key.pem\n");
    String after = hash("src/");
    assertNotEquals(before, after);
    assertTrue(after.startsWith("dir:"), after);
    // what is left out does not count: changing it keeps the hash
    Files.writeString(context.resolve("src/key.pem"), "rotated");
    assertEquals(after, hash("src/"));
  }

  @Test
  void aFileLargerThanAnArrayIsHashedAsAStream() throws Exception {
    try (RandomAccessFile big = new RandomAccessFile(context.resolve("big").toFile(), "rw")) {
      // sparse: no disk taken, but more bytes than one Java array holds
      big.setLength(Integer.MAX_VALUE + 1L);
    }
    assertTrue(hash("big").startsWith("file:"));
  }

  @Test
  void aLinkNamedAsSourceHashesItsTargetsBytesAndItsName() throws Exception {
    String before = hash("link.txt");
    assertTrue(before.startsWith("file:"), before);
    Files.writeString(context.resolve("target.txt"), "two");
    assertNotEquals(before, hash("link.txt"));
    // copied under another name, so another result
    assertNotEquals(hash("target.txt"), hash("link.txt"));
  }
}
