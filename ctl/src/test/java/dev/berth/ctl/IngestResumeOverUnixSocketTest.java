package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import containerd.services.content.v1.WriteContentRequest;
import dev.berth.api.Digests;
import dev.berth.api.content.ContentWriter;
import dev.berth.api.content.GrpcContentStore;
import dev.berth.api.grpc.Channels;
import dev.berth.ctl.content.Ingest;
import dev.berth.ctl.content.TransferProgress;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall.SimpleForwardingClientCall;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An interrupted ingest of a file continues where berthd stopped, if berthd holds the right bytes. */
class IngestResumeOverUnixSocketTest {
  private static final int MIB = 1 << 20;

  @TempDir
  Path dir;

  @RegisterExtension
  final BerthOnSocket berth = new BerthOnSocket();
  private ManagedChannel channel;
  /** Blob bytes sent in WRITE requests through {@link #counted()}. */
  private final AtomicLong sentBytes = new AtomicLong();

  @BeforeEach
  void start() throws Exception {
    channel = Channels.unix(berth.socket());
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow();
  }

  @Test
  void resumesFromTheOffsetBerthdReached() throws Exception {
    byte[] data = random(6 * MIB + 777);
    Path file = Files.write(dir.resolve("layer.bin"), data);
    interruptedWrite("layer", Arrays.copyOf(data, 3 * MIB));

    String digest = ingest("layer", file, data.length);

    assertEquals(Digests.sha256(data), digest);
    assertEquals(data.length - 3 * MIB, sentBytes.get(), "only the rest is sent");
  }

  @Test
  void startsOverWhenBerthdHoldsOtherBytes() throws Exception {
    byte[] data = random(4 * MIB);
    Path file = Files.write(dir.resolve("layer.bin"), data);
    byte[] other = Arrays.copyOf(data, 2 * MIB);
    other[12345] ^= 1;
    interruptedWrite("layer", other);

    String digest = ingest("layer", file, data.length);

    assertEquals(Digests.sha256(data), digest);
    assertEquals(data.length, sentBytes.get());
  }

  @Test
  void stdinStartsOverThroughTheCommandLine() throws Exception {
    byte[] data = random(3 * MIB + 5);
    interruptedWrite("piped", Arrays.copyOf(data, 2 * MIB));
    Cli.Result r = berth.ctlWithInput(data, "content", "ingest", "piped");
    assertEquals(0, r.exit(), r::toString);
    assertEquals(Digests.sha256(data) + "\n", r.out());
  }

  /** Leaves an ingest under {@code ref} holding {@code prefix}, as a killed client would. */
  private void interruptedWrite(String ref, byte[] prefix) {
    try (ContentWriter w = new GrpcContentStore(channel).writer(null, ref, null)) {
      for (int at = 0; at < prefix.length; at += MIB) {
        w.write(at, ByteString.copyFrom(prefix, at, Math.min(MIB, prefix.length - at)));
      }
      assertEquals(prefix.length, w.checkpoint().offset());
    }
  }

  private String ingest(String ref, Path file, long size) throws Exception {
    PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
    try (FileChannel input = FileChannel.open(file);
        TransferProgress progress = new TransferProgress(ref, nowhere, false, false, size)) {
      return new Ingest(new GrpcContentStore(counted()))
          .write(new Ingest.Target(ref, -1, "", Map.of()), input, size, progress);
    }
  }

  /** The channel, counting the blob bytes that WRITE requests carry. */
  private Channel counted() {
    return ClientInterceptors.intercept(channel, new ClientInterceptor() {
      @Override
      public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        return new SimpleForwardingClientCall<>(next.newCall(method, options)) {
          @Override
          public void sendMessage(Q message) {
            if (message instanceof WriteContentRequest w) {
              sentBytes.addAndGet(w.getData().size());
            }
            super.sendMessage(message);
          }
        };
      }
    });
  }

  private static byte[] random(int size) {
    byte[] b = new byte[size];
    new Random(size).nextBytes(b);
    return b;
  }
}
