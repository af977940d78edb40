package dev.berth.transfer.registry;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens by token server, service, scope and user, kept until shortly before they expire,
 * so consecutive pulls of one repository ask the token server once.
 */
public final class TokenCache {
  /** A token this close to its expiry is fetched anew rather than risked on a long request. */
  private static final long MARGIN_SECONDS = 10;

  private final Clock clock;
  private final ConcurrentHashMap<String, Token> tokens = new ConcurrentHashMap<>();

  record Token(String value, Instant expires) {}

  public TokenCache(Clock clock) {
    this.clock = clock;
  }

  Optional<String> get(String key) {
    Token t = tokens.get(key);
    if (t == null || !clock.instant().isBefore(t.expires().minusSeconds(MARGIN_SECONDS))) {
      return Optional.empty();
    }
    return Optional.of(t.value());
  }

  void put(String key, String token, long expiresInSeconds, Instant issuedAt) {
    Instant from = issuedAt != null ? issuedAt : clock.instant();
    tokens.put(key, new Token(token, from.plusSeconds(expiresInSeconds)));
  }

  void remove(String key) {
    tokens.remove(key);
  }
}
