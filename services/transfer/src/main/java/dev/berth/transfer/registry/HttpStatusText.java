package dev.berth.transfer.registry;

import java.util.Map;

/**
 * The reason phrase Go's {@code http.StatusText} gives a status, for messages Docker's daemon
 * words with it ({@code failed with status: 401 Unauthorized}); the statuses a registry answers a
 * login with, empty for others as in Go.
 */
final class HttpStatusText {
  private static final Map<Integer, String> TEXT = Map.ofEntries(
      Map.entry(400, "Bad Request"), Map.entry(401, "Unauthorized"), Map.entry(403, "Forbidden"),
      Map.entry(404, "Not Found"), Map.entry(405, "Method Not Allowed"), Map.entry(429, "Too Many Requests"),
      Map.entry(500, "Internal Server Error"), Map.entry(502, "Bad Gateway"), Map.entry(503, "Service Unavailable"),
      Map.entry(504, "Gateway Timeout"));

  private HttpStatusText() {}

  static String of(int status) {
    return TEXT.getOrDefault(status, "");
  }
}
