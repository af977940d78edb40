package dev.berth.daemon;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The JDK's WebSocket client speaking Kubernetes' channel protocol: each binary message starts
 * with its channel's number. Keeps what each channel received, and the messages in order.
 */
final class WebSocketTestClient implements WebSocket.Listener {
  private final Map<Integer, ByteArrayOutputStream> channels = new ConcurrentHashMap<>();
  final List<byte[]> messages = new ArrayList<>();
  final CompletableFuture<Integer> closed = new CompletableFuture<>();
  private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
  WebSocket socket;

  static WebSocketTestClient connect(String url, String... subprotocols) throws Exception {
    WebSocketTestClient c = new WebSocketTestClient();
    WebSocket.Builder b = HttpClient.newHttpClient().newWebSocketBuilder();
    if (subprotocols.length > 0) {
      b.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
    }
    c.socket = b.buildAsync(URI.create(url.replaceFirst("^http", "ws")), c).get(30, TimeUnit.SECONDS);
    return c;
  }

  void send(int channel, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(data.length + 1).put((byte) channel).put(data).flip();
    socket.sendBinary(b, true).join();
  }

  void send(int channel, String data) {
    send(channel, data.getBytes(StandardCharsets.UTF_8));
  }

  String channel(int n) {
    ByteArrayOutputStream b = channels.get(n);
    if (b == null) {
      return "";
    }
    synchronized (b) {
      return b.toString(StandardCharsets.UTF_8);
    }
  }

  /** Waits until the server closed the socket. */
  void awaitClose(long seconds) throws Exception {
    closed.get(seconds, TimeUnit.SECONDS);
  }

  @Override
  public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
    byte[] bytes = new byte[data.remaining()];
    data.get(bytes);
    partial.writeBytes(bytes);
    if (last) {
      byte[] message = partial.toByteArray();
      partial.reset();
      synchronized (messages) {
        messages.add(message);
      }
      ByteArrayOutputStream b = channels.computeIfAbsent(message[0] & 0xff, k -> new ByteArrayOutputStream());
      synchronized (b) {
        b.write(message, 1, message.length - 1);
      }
    }
    ws.request(1);
    return null;
  }

  @Override
  public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
    closed.complete(statusCode);
    return null;
  }

  @Override
  public void onError(WebSocket ws, Throwable error) {
    closed.completeExceptionally(error);
  }
}
