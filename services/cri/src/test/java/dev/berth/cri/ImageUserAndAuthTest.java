package dev.berth.cri;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import berth.transfer.v1.RegistryAuth;
import dev.berth.api.grpc.BerthException;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import runtime.v1.AuthConfig;

/** The two translations the image service makes on its own: an image's user, and registry credentials. */
class ImageUserAndAuthTest {
  @Test
  void aNumericUserIsAUidAndANamedOneAUsernameWithoutTheGroup() {
    assertEquals(new ImageUser(OptionalLong.empty(), ""), ImageUser.parse(""));
    assertEquals(new ImageUser(OptionalLong.of(0), ""), ImageUser.parse("0"));
    assertEquals(new ImageUser(OptionalLong.of(1002), ""), ImageUser.parse("1002:100"));
    assertEquals(new ImageUser(OptionalLong.empty(), "www"), ImageUser.parse("www"));
    assertEquals(new ImageUser(OptionalLong.empty(), "www"), ImageUser.parse("www:staff"));
  }

  @Test
  void credentialsComeAsGivenOrFromDockersAuthField() {
    assertEquals(RegistryAuth.newBuilder().setUsername("u").setPassword("p").build(),
        AuthConfigs.toTransfer(AuthConfig.newBuilder().setUsername("u").setPassword("p").build()));
    String auth = Base64.getEncoder().encodeToString("alice:se:cret".getBytes(StandardCharsets.UTF_8));
    assertEquals(RegistryAuth.newBuilder().setUsername("alice").setPassword("se:cret").build(),
        AuthConfigs.toTransfer(AuthConfig.newBuilder().setAuth(auth).build()));
    assertEquals(RegistryAuth.newBuilder().setIdentityToken("refresh").build(),
        AuthConfigs.toTransfer(AuthConfig.newBuilder().setIdentityToken("refresh").build()));
    assertEquals(RegistryAuth.getDefaultInstance(), AuthConfigs.toTransfer(AuthConfig.getDefaultInstance()));
  }

  @Test
  void unusableCredentialsAreRefusedAsInvalid() {
    for (AuthConfig bad : new AuthConfig[] {
        AuthConfig.newBuilder().setAuth("not base64!").build(),
        AuthConfig.newBuilder().setAuth(Base64.getEncoder().encodeToString("nocolon".getBytes())).build(),
        AuthConfig.newBuilder().setRegistryToken("bearer").build()}) {
      BerthException e = assertThrows(BerthException.class, () -> AuthConfigs.toTransfer(bad));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.code(), e.getMessage());
    }
  }
}
