package dev.berth.content.file;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.api.Digests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Chunks written at once and hashed behind the writer still come out whole and in order. */
class AppendPipelineTest {
  @TempDir Path dir;
  private final ExecutorService pool = Executors.newCachedThreadPool();

  @AfterEach
  void stop() {
    pool.shutdownNow();
  }

  private FileChannel open(Path file) throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  @Test
  void manyChunksLandInOrderWithTheirDigestAcrossTheHashingLimit() throws Exception {
    Path file = dir.resolve("data");
    Files.write(file, "already here|".getBytes());
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write("already here|".getBytes());
    Random random = new Random(5);
    AppendPipeline pipeline = new AppendPipeline(pool, open(file));
    assertEquals(13, pipeline.written());
    long total = 13;
    while (total < 3 * AppendPipeline.MAX_UNHASHED_BYTES) {
      byte[] chunk = new byte[1 + random.nextInt(300_000)];
      random.nextBytes(chunk);
      expected.write(chunk);
      pipeline.append(ByteBuffer.wrap(chunk));
      // the pipeline keeps no chunk: the writer may reuse it
      Arrays.fill(chunk, (byte) 0);
      total += chunk.length;
    }
    assertEquals(total, pipeline.flush());
    assertEquals(Digests.sha256(expected.toByteArray()), pipeline.digest());
    pipeline.sync();
    pipeline.close();
    assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file));
  }

  @Test
  void truncateStartsOverFromNothing() throws Exception {
    Path file = dir.resolve("data");
    AppendPipeline pipeline = new AppendPipeline(pool, open(file));
    pipeline.append(ByteBuffer.wrap("first try".getBytes()));
    pipeline.truncate();
    pipeline.append(ByteBuffer.wrap("second".getBytes()));
    assertEquals(Digests.sha256("second".getBytes()), pipeline.digest());
    pipeline.close();
    assertEquals("second", Files.readString(file));
  }

  @Test
  void aFailedWriteFailsItsCallAndTheNextInsteadOfHanging() throws Exception {
    Path file = dir.resolve("data");
    Files.write(file, new byte[0]);
    AppendPipeline pipeline = new AppendPipeline(pool, FileChannel.open(file, StandardOpenOption.READ));
    assertThrows(IOException.class, () -> pipeline.append(ByteBuffer.wrap("cannot be written".getBytes())));
    assertThrows(IOException.class, pipeline::flush);
    assertThrows(IOException.class, pipeline::digest);
    assertThrows(IOException.class, () -> pipeline.append(ByteBuffer.wrap("more".getBytes())));
    pipeline.close();
  }
}
