package dev.berth.cri;

import berth.transfer.v1.RegistryAuth;
import dev.berth.api.grpc.Errors;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import runtime.v1.AuthConfig;

/** The CRI's registry credentials in the Transfer API's terms. */
final class AuthConfigs {
  private AuthConfigs() {}

  /**
   * User name and password as given, or decoded from {@code auth} (base64 of
   * {@code user:password}, as Docker's config keeps them); an identity token as the refresh token
   * it is. A bare registry token is refused: the Transfer API gets bearer tokens itself.
   */
  static RegistryAuth toTransfer(AuthConfig auth) {
    if (!auth.getRegistryToken().isEmpty()) {
      throw Errors.invalidArgument("registry_token is not supported: give a username and password, auth, "
          + "or an identity_token");
    }
    String username = auth.getUsername();
    String password = auth.getPassword();
    if (username.isEmpty() && password.isEmpty() && !auth.getAuth().isEmpty()) {
      String decoded = decode(auth.getAuth());
      int colon = decoded.indexOf(':');
      if (colon < 0) {
        throw Errors.invalidArgument("auth is not base64 of \"user:password\"");
      }
      username = decoded.substring(0, colon);
      password = decoded.substring(colon + 1);
    }
    return RegistryAuth.newBuilder().setUsername(username).setPassword(password)
        .setIdentityToken(auth.getIdentityToken()).build();
  }

  private static String decode(String base64) {
    try {
      return new String(Base64.getDecoder().decode(base64.trim()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw Errors.invalidArgument("auth is not base64 of \"user:password\": %s", e.getMessage());
    }
  }
}
