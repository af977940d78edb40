package dev.berth.cri.streaming;

import dev.berth.api.grpc.Errors;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The requests the streaming server will serve, each under a one-time token that expires, as
 * the kubelet's streaming library keeps them: a URL is good for one connection within a minute
 * of the RPC that made it, and at most {@link #MAX_IN_FLIGHT} wait at once.
 */
final class StreamRequests {
  static final Duration TTL = Duration.ofMinutes(1);
  static final int MAX_IN_FLIGHT = 1000;
  /** 8 random bytes, URL-safe base64: what the kubelet's tokens look like. */
  private static final int TOKEN_BYTES = 8;

  private final SecureRandom random = new SecureRandom();
  private final Clock clock;
  private final Duration ttl;
  /** In insertion order, so the oldest expire first. */
  private final Map<String, Entry> entries = new LinkedHashMap<>();

  private record Entry(StreamRequest request, Instant expires) {}

  StreamRequests(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
  }

  /** A new token for {@code request}; RESOURCE_EXHAUSTED (as the kubelet answers) when too many wait. */
  synchronized String insert(StreamRequest request) {
    evictExpired();
    if (entries.size() >= MAX_IN_FLIGHT) {
      throw Errors.resourceExhausted(
          "%d streaming requests wait for their client already; try again later", MAX_IN_FLIGHT);
    }
    String token;
    do {
      byte[] bytes = new byte[TOKEN_BYTES];
      random.nextBytes(bytes);
      token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    } while (entries.containsKey(token));
    entries.put(token, new Entry(request, clock.instant().plus(ttl)));
    return token;
  }

  /** The request under {@code token}, removed so it serves once; empty when unknown or expired. */
  synchronized Optional<StreamRequest> consume(String token) {
    evictExpired();
    Entry e = entries.remove(token);
    return e == null ? Optional.empty() : Optional.of(e.request());
  }

  private void evictExpired() {
    Instant now = clock.instant();
    for (Iterator<Entry> it = entries.values().iterator(); it.hasNext(); ) {
      if (!it.next().expires().isAfter(now)) {
        it.remove();
      } else {
        break;
      }
    }
  }
}
