package dev.berth.common.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import containerd.services.content.v1.ContentGrpc;
import containerd.services.content.v1.Info;
import containerd.services.content.v1.InfoRequest;
import containerd.services.content.v1.InfoResponse;
import dev.berth.api.grpc.Channels;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which thread runs a call of an inline method on a real Unix socket: the socket thread that read
 * it, unless the call is under a lease, where berthd's reads write the lease and may wait for a
 * collection, and must leave the socket thread (which moves every other call's bytes) alone.
 */
class InlineCallsOverUnixSocketTest {
  private static final String POOL_THREAD = "inline-test-call";

  @TempDir Path dir;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> new Thread(r, POOL_THREAD));
  private final SocketEventLoops loops = new SocketEventLoops();
  private UnixSocketServer server;
  private ManagedChannel channel;
  /** The thread the last Info call's handler ran on. */
  private volatile Thread handler;

  @BeforeEach
  void serve() throws Exception {
    ContentGrpc.ContentImplBase content = new ContentGrpc.ContentImplBase() {
      @Override
      public void info(InfoRequest request, StreamObserver<InfoResponse> responses) {
        handler = Thread.currentThread();
        responses.onNext(InfoResponse.newBuilder().setInfo(Info.newBuilder().setDigest(request.getDigest())).build());
        responses.onCompleted();
      }
    };
    Path socket = dir.resolve("inline.sock");
    server = UnixSocketServer.start(socket, List.of(ServiceInterceptors.wrap(content)), null, pool, loops,
        Set.of(ContentGrpc.getInfoMethod().getFullMethodName()));
    channel = Channels.unix(socket);
  }

  @AfterEach
  void stop() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (server != null) {
      server.close();
    }
    loops.close();
    pool.shutdownNow();
  }

  @Test
  void anInlineMethodRunsOnTheSocketThreadWithoutALease() {
    info(channel);
    assertFalse(handler.getName().startsWith(POOL_THREAD), "answered where it was read: " + handler.getName());
  }

  @Test
  void anInlineMethodUnderALeaseRunsOnTheCallPool() {
    info(Channels.withLease(channel, "pull-1"));
    assertTrue(handler.getName().startsWith(POOL_THREAD), "off the socket thread: " + handler.getName());
  }

  private static void info(Channel channel) {
    InfoResponse answer = ContentGrpc.newBlockingStub(Channels.inNamespace(channel, "inline-test"))
        .info(InfoRequest.newBuilder().setDigest("sha256:" + "0".repeat(64)).build());
    assertEquals("sha256:" + "0".repeat(64), answer.getInfo().getDigest());
  }
}
