package dev.berth.cri.streaming;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** When the streaming server listens, and what a client hears when it cannot. */
class StreamingServerTest {
  /** Listening makes no call to berthd's services. */
  private static final Channel NO_CALLS = new Channel() {
    @Override
    public <Q, A> ClientCall<Q, A> newCall(MethodDescriptor<Q, A> method, CallOptions options) {
      throw new AssertionError("no call expected: " + method.getFullMethodName());
    }

    @Override
    public String authority() {
      return "none";
    }
  };

  private static final EndedTasks NO_EXITS = record -> Optional.empty();

  private static final StreamRequest EXEC = new StreamRequest.Exec("c1", List.of("true"), false, false, true, true);

  @Test
  void theFirstUrlAskedForStartsTheListeningAndLaterOnesShareIt() throws IOException {
    try (StreamingServer server = StreamingServer.on(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), NO_CALLS, NO_EXITS)) {
      String first = server.url(EXEC);
      assertTrue(first.matches("http://127\\.0\\.0\\.1:\\d+/exec/.+"), first);
      String base = first.substring(0, first.indexOf("/exec/"));
      assertEquals(base, server.listen());
      assertTrue(server.url(EXEC).startsWith(base + "/exec/"));
      int port = Integer.parseInt(base.substring(base.lastIndexOf(':') + 1));
      try (Socket client = new Socket(InetAddress.getLoopbackAddress(), port)) {
        assertTrue(client.isConnected());
      }
    }
  }

  @Test
  void anAddressInUseIsUnavailableUntilItIsFree() throws IOException {
    InetSocketAddress taken;
    StreamingServer server;
    try (ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      taken = (InetSocketAddress) other.getLocalSocketAddress();
      server = StreamingServer.on(taken, NO_CALLS, NO_EXITS);
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> server.url(EXEC));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().contains(taken.toString()), e.getStatus().getDescription());
    }
    try (server) {
      assertEquals("http://127.0.0.1:" + taken.getPort(), server.listen());
    }
  }

  @Test
  void aClosedServerNoLongerListens() {
    StreamingServer server = StreamingServer.on(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), NO_CALLS, NO_EXITS);
    server.close();
    assertEquals(Status.Code.UNAVAILABLE, assertThrows(StatusRuntimeException.class, server::listen).getStatus().getCode());
  }
}
