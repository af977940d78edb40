package dev.berth.content;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.InfoRequest;
import containerd.services.content.v1.ReadContentRequest;
import containerd.services.content.v1.ReadContentResponse;
import containerd.services.content.v1.WriteAction;
import containerd.services.content.v1.WriteContentRequest;
import dev.berth.common.testing.NoLeases;
import dev.berth.api.Digests;
import dev.berth.common.events.EventPublisher;
import dev.berth.api.grpc.Channels;
import dev.berth.common.grpc.ServiceInterceptors;
import dev.berth.common.grpc.UnixSocketServer;
import dev.berth.common.store.MetadataStore;
import dev.berth.content.file.FileContentStore;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A large blob streamed in and out over a real Unix socket, as ctr and berthd talk. */
class ContentOverUnixSocketTest {
  private static final int CHUNK = 1 << 20;
  private static final int CHUNKS = 64;

  @TempDir Path dir;

  @Test
  void sixtyFourMebibytesGoInAndComeBackIntact() throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(4);
    EventPublisher noEvents = (namespace, topic, event) -> { };
    try (MetadataStore metadata = MetadataStore.open(dir.resolve("metadata.db"))) {
      FileContentStore store = new FileContentStore(dir.resolve("root"), metadata, noEvents, ns -> { },
          new NoLeases());
      UnixSocketServer server = UnixSocketServer.start(dir.resolve("content.sock"),
          List.of(ServiceInterceptors.wrap(new ContentService(store))), null, executor);
      ManagedChannel channel = Channels.unix(dir.resolve("content.sock"));
      try {
        Channel ns = Channels.inNamespace(channel, "socket-test");
        byte[] chunk = new byte[CHUNK];
        MessageDigest sent = Digests.newSha256();
        Random random = new Random(42);
        String digest;
        try (WriteStream w = new WriteStream(ns)) {
          w.stat("big", (long) CHUNK * CHUNKS, "");
          for (int i = 0; i < CHUNKS; i++) {
            random.nextBytes(chunk);
            sent.update(chunk);
            assertEquals((long) CHUNK * (i + 1), w.send(WriteContentRequest.newBuilder().setAction(WriteAction.WRITE)
                .setOffset((long) CHUNK * i).setData(ByteString.copyFrom(chunk)).build()).getOffset());
          }
          digest = Digests.format(sent);
          assertEquals(digest, w.commit((long) CHUNK * CHUNKS, (long) CHUNK * CHUNKS, digest, Map.of()).getDigest());
        }

        ContentGrpc.ContentBlockingStub api = ContentGrpc.newBlockingStub(ns);
        assertEquals((long) CHUNK * CHUNKS, api.info(InfoRequest.newBuilder().setDigest(digest).build()).getInfo().getSize());
        MessageDigest received = Digests.newSha256();
        long offset = 0;
        Iterator<ReadContentResponse> chunks = api.read(ReadContentRequest.newBuilder().setDigest(digest).build());
        while (chunks.hasNext()) {
          ReadContentResponse r = chunks.next();
          assertEquals(offset, r.getOffset());
          r.getData().asReadOnlyByteBufferList().forEach(received::update);
          offset += r.getData().size();
        }
        assertEquals((long) CHUNK * CHUNKS, offset);
        assertEquals(digest, Digests.format(received));
      } finally {
        channel.shutdownNow();
        channel.awaitTermination(5, TimeUnit.SECONDS);
        server.close();
        executor.shutdownNow();
      }
    }
  }
}
