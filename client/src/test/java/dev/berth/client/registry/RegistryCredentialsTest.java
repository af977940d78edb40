package dev.berth.client.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Credentials in a Docker-style config.json: where it lives, its mode, what else it keeps. */
class RegistryCredentialsTest {
  @TempDir
  Path dir;

  @Test
  void keptAsDockerKeepsThemReadableByTheOwnerOnly() throws Exception {
    RegistryCredentials credentials = RegistryCredentials.forUser(Map.of("BERTH_CONFIG", dir.resolve("c").toString()));
    assertEquals(dir.resolve("c/config.json"), credentials.file());
    Files.createDirectories(dir.resolve("c"));
    Files.writeString(credentials.file(), "{\"credsStore\":\"other\",\"auths\":{\"https://index.docker.io/v1/\":"
        + "{\"auth\":\"aHViOnNlY3JldA==\"}}}");

    assertEquals(Optional.of(new RegistryCredentials.Login("hub", "secret")), credentials.get("docker.io"),
        "Docker's key for Docker Hub is read");
    credentials.put("127.0.0.1:5000", new RegistryCredentials.Login("u", "p:w"));
    assertEquals(Optional.of(new RegistryCredentials.Login("u", "p:w")), credentials.get("127.0.0.1:5000"));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials.file())));
    String json = Files.readString(credentials.file());
    assertTrue(json.contains("\"credsStore\" : \"other\"") && json.contains("\"auth\" : \"dTpwOnc=\""), json);
    assertFalse(new RegistryCredentials.Login("u", "p:w").toString().contains("p:w"), "no password in messages");

    assertTrue(credentials.remove("127.0.0.1:5000"));
    assertFalse(credentials.remove("127.0.0.1:5000"));
    assertEquals(Optional.empty(), credentials.get("127.0.0.1:5000"));
    assertEquals(dir.resolve("x/berth/config.json"),
        RegistryCredentials.forUser(Map.of("XDG_CONFIG_HOME", dir.resolve("x").toString())).file());
  }
}
