package dev.berth.daemon;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Just enough of a Kubernetes API server on 127.0.0.1 for kubectl's exec, attach and
 * port-forward to one running pod {@code x}: discovery, the pod, and — where the real API
 * server would proxy to the kubelet — the streaming request relayed byte for byte to the next
 * streaming URL the test queued (its path rewritten), so that kubectl's own client-go speaks to
 * Berth's streaming server.
 */
final class FakeKubeApi implements AutoCloseable {
  private static final String POD = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\","
      + "\"namespace\":\"default\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]},"
      + "\"status\":{\"phase\":\"Running\",\"containerStatuses\":[{\"name\":\"c\",\"ready\":true,"
      + "\"state\":{\"running\":{}}}]}}";
  private static final String RESOURCES = "{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":["
      + "{\"name\":\"pods\",\"singularName\":\"pod\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\",\"list\"]},"
      + "{\"name\":\"pods/exec\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"PodExecOptions\",\"verbs\":[\"create\",\"get\"]},"
      + "{\"name\":\"pods/attach\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"PodAttachOptions\",\"verbs\":[\"create\",\"get\"]},"
      + "{\"name\":\"pods/portforward\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"PodPortForwardOptions\",\"verbs\":[\"create\",\"get\"]}]}";

  private final ServerSocket server;
  private final BlockingQueue<String> urls = new LinkedBlockingQueue<>();

  FakeKubeApi() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread accept = new Thread(this::serve, "fake-kube-api");
    accept.setDaemon(true);
    accept.start();
  }

  /** kubectl's {@code --server}. */
  String address() {
    return "http://127.0.0.1:" + server.getLocalPort();
  }

  /** The streaming URL the next exec, attach or port-forward request goes to. */
  void next(String url) {
    urls.add(url);
  }

  private void serve() {
    while (!server.isClosed()) {
      try {
        Socket client = server.accept();
        Thread t = new Thread(() -> handle(client), "fake-kube-api-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void handle(Socket client) {
    try (client) {
      InputStream in = client.getInputStream();
      String head = readHead(in);
      String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
      String path = requestLine[1];
      if (path.matches("/api/v1/namespaces/default/pods/x/(exec|attach|portforward)\\b.*")) {
        relay(client, in, head, requestLine);
        return;
      }
      String body = path.startsWith("/api/v1/namespaces/default/pods/x") ? POD
          : path.matches("/api/v1(\\?.*)?") ? RESOURCES
          : path.matches("/api(\\?.*)?") ? "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}"
          : path.startsWith("/apis") ? "{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[]}"
          : path.startsWith("/version") ? "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0\"}" : null;
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      OutputStream out = client.getOutputStream();
      out.write(((body == null ? "HTTP/1.1 404 Not Found" : "HTTP/1.1 200 OK") + "\r\nContent-Type: application/json"
          + "\r\nContent-Length: " + bytes.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      out.write(bytes);
      out.flush();
    } catch (IOException | InterruptedException e) {
      // kubectl went away
    }
  }

  private void relay(Socket client, InputStream in, String head, String[] requestLine)
      throws IOException, InterruptedException {
    String url = urls.poll(30, TimeUnit.SECONDS);
    if (url == null) {
      return;
    }
    URI target = URI.create(url);
    try (Socket upstream = new Socket(target.getHost(), target.getPort())) {
      StringBuilder rewritten = new StringBuilder(requestLine[0] + " " + target.getRawPath() + " " + requestLine[2]);
      for (String line : head.substring(head.indexOf("\r\n") + 2).split("\r\n")) {
        rewritten.append("\r\n").append(line.regionMatches(true, 0, "host:", 0, 5)
            ? "Host: " + target.getHost() + ":" + target.getPort() : line);
      }
      upstream.getOutputStream().write((rewritten + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
      Thread back = new Thread(() -> copy(upstream, client), "fake-kube-api-back");
      back.start();
      copy(client, upstream);
      back.join();
    }
  }

  private static void copy(Socket from, Socket to) {
    try {
      from.getInputStream().transferTo(to.getOutputStream());
      to.shutdownOutput();
    } catch (IOException e) {
      // either side closed
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    for (int b = in.read(); b >= 0; b = in.read()) {
      head.write(b);
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
      if (matched == 4) {
        break;
      }
    }
    String s = head.toString(StandardCharsets.ISO_8859_1);
    return s.substring(0, Math.max(0, s.length() - 4));
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
