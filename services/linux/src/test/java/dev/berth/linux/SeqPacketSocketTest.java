package dev.berth.linux;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeqPacketSocketTest {
  private static final int AF_UNIX = 1;
  private static final int SOCK_SEQPACKET = 5;

  /** What a peer such as conmon needs beyond what Berth itself calls: the listening side. */
  private static final class ListeningSide {
    static {
      Native.register("c");
    }

    static native int listen(int fd, int backlog);

    static native int accept(int fd, Pointer address, Pointer length);

    static native int close(int fd);
  }

  /**
   * conmon, when its process ended without reading the stdin berthd sent it, closes the attach
   * socket with that input unread; the kernel then fails berthd's next read with ECONNRESET ahead
   * of the output conmon sent before closing. That output must still be read, then the end.
   */
  @Test
  void messagesSentBeforeAPeerClosedWithInputUnreadAreStillReceived(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("attach");
    int listener = Sockets.open(AF_UNIX, SOCK_SEQPACKET, 0, "listener");
    try {
      byte[] address = new byte[110];
      address[0] = AF_UNIX;
      byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
      System.arraycopy(name, 0, address, 2, name.length);
      Sockets.bind(listener, address, "listener");
      assertEquals(0, ListeningSide.listen(listener, 1));
      try (SeqPacketSocket client = SeqPacketSocket.connect(path)) {
        int peer = ListeningSide.accept(listener, null, null);
        client.send("input nobody reads".getBytes(StandardCharsets.UTF_8), 18);
        Sockets.send(peer, "\u0002last words".getBytes(StandardCharsets.UTF_8), 11, "peer");
        ListeningSide.close(peer);

        ByteBuffer message = ByteBuffer.allocateDirect(64);
        int n = client.receiveNow(message);
        assertEquals(11, n);
        byte[] text = new byte[n - 1];
        message.position(1).get(text);
        assertEquals("last words", new String(text, StandardCharsets.UTF_8));
        assertEquals(0, client.receiveNow(message), "then the end of the connection");
      }
    } finally {
      ListeningSide.close(listener);
    }
  }
}
