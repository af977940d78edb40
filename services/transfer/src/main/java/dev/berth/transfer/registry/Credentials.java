package dev.berth.transfer.registry;

import dev.berth.api.Digests;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * What a client gave to authenticate to a registry: a user name and password, or an identity
 * (refresh) token; all empty for anonymous access. {@link #toString()} shows no secret.
 */
public record Credentials(String username, String password, String identityToken) {
  public static final Credentials ANONYMOUS = new Credentials("", "", "");

  public Credentials {
    username = username == null ? "" : username;
    password = password == null ? "" : password;
    identityToken = identityToken == null ? "" : identityToken;
  }

  public boolean anonymous() {
    return username.isEmpty() && password.isEmpty() && identityToken.isEmpty();
  }

  String basicHeader() {
    return "Basic " + Base64.getEncoder()
        .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** Tells cached tokens of different users apart without keeping the secret in the key. */
  String cacheKey() {
    return anonymous() ? "" : Digests.sha256((username + "\0" + password + "\0" + identityToken)
        .getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return anonymous() ? "anonymous" : "user " + username;
  }
}
