package dev.berth.transfer;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A plain HTTP proxy on 127.0.0.1 in front of a registry that answers a refused cross-repository
 * mount with a bearer challenge naming no {@code error}, as registries do where the token server
 * gave a token without the pull of the source; Debian's registry names {@code insufficient_scope}.
 * Everything else passes as it is; the registry builds its upload locations for this proxy
 * ({@code X-Forwarded-Host}).
 */
final class ErrorlessChallengeProxy implements AutoCloseable {
  private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "content-length", "expect", "upgrade",
      "transfer-encoding", "keep-alive");

  private final HttpServer server;
  private final String upstream;
  private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

  private ErrorlessChallengeProxy(HttpServer server, String upstream) {
    this.server = server;
    this.upstream = upstream;
  }

  /** A proxy to the registry at {@code upstream} (host:port). */
  static ErrorlessChallengeProxy start(String upstream) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    ErrorlessChallengeProxy proxy = new ErrorlessChallengeProxy(server, upstream);
    server.createContext("/", proxy::forward);
    server.start();
    return proxy;
  }

  String host() {
    return "127.0.0.1:" + server.getAddress().getPort();
  }

  private void forward(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = exchange.getRequestBody().readAllBytes();
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + upstream + exchange.getRequestURI()))
          .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body))
          .header("X-Forwarded-Host", host())
          .header("X-Forwarded-Proto", "http");
      for (Map.Entry<String, List<String>> h : exchange.getRequestHeaders().entrySet()) {
        if (!HOP_BY_HOP.contains(h.getKey().toLowerCase())) {
          h.getValue().forEach(v -> request.header(h.getKey(), v));
        }
      }
      HttpResponse<byte[]> response;
      try {
        response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException(e);
      }
      boolean mount = exchange.getRequestURI().getRawQuery() != null
          && exchange.getRequestURI().getRawQuery().contains("mount=");
      response.headers().map().forEach((name, values) -> {
        if (!HOP_BY_HOP.contains(name.toLowerCase())) {
          values.forEach(v -> exchange.getResponseHeaders().add(name, mount && response.statusCode() == 401
              && name.equalsIgnoreCase("WWW-Authenticate") ? v.replaceAll(",error=\"[^\"]*\"", "") : v));
        }
      });
      byte[] answer = exchange.getRequestMethod().equals("HEAD") ? new byte[0] : response.body();
      exchange.sendResponseHeaders(response.statusCode(), answer.length == 0 ? -1 : answer.length);
      if (answer.length > 0) {
        exchange.getResponseBody().write(answer);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
