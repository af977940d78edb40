package dev.berth.transfer.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.berth.api.grpc.BerthException;
import io.grpc.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** References resolved the Docker way, registries' WWW-Authenticate challenges, and token servers' refusals. */
class ReferenceAndChallengeTest {
  @Test
  void dockerHubShortNamesTagsAndDigests() {
    assertEquals(new Reference("docker.io", "library/busybox", "latest", null), Reference.parse("busybox"));
    assertEquals("docker.io/library/busybox:latest", Reference.parse("busybox").name());
    assertEquals(new Reference("docker.io", "team/app", "1", null), Reference.parse("team/app:1"));
    String digest = "sha256:" + "a".repeat(64);
    assertEquals(new Reference("127.0.0.1:5000", "x/y", null, digest), Reference.parse("127.0.0.1:5000/x/y@" + digest));
    assertEquals(digest, Reference.parse("127.0.0.1:5000/x/y@" + digest).object());
    assertEquals("registry-1.docker.io", Reference.endpoint("docker.io"));
    assertEquals("docker.io", Reference.hostOf("https://index.docker.io/v1/"));
    assertEquals("registry.example:5000", Reference.hostOf("registry.example:5000"));
    assertEquals("registry.example:5000", Reference.hostOf("registry.example:5000/"), "a URL's slash, not a path");
    assertEquals("registry.example:5000", Reference.hostOf("http://registry.example:5000/"));
    // the part before the first slash, as Docker's CLI reads a login's argument: a host, not a Docker Hub repository
    assertEquals("foo", Reference.hostOf("foo/bar"));
    assertEquals("registry.example:5000", Reference.hostOf("registry.example:5000/team/app"));
    assertEquals("docker.io", Reference.hostOf("docker.io/library/busybox"));
    BerthException bad = assertThrows(BerthException.class, () -> Reference.parse("Bad/Name"));
    assertEquals(Status.Code.INVALID_ARGUMENT, bad.code());
  }

  @Test
  void anUnreachableRegistryIsWordedAsGosResolverAndDialerWordIt() throws Exception {
    // the JDK's own exceptions, which carry no message of their own (berthctl printed "ConnectException")
    assertEquals("lookup nosuch.invalid: no such host", RegistrySession.whyUnreachable(
        connectFailure("https://nosuch.invalid/v2/"), "nosuch.invalid"));
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    assertEquals("connect: connection refused", RegistrySession.whyUnreachable(
        connectFailure("http://127.0.0.1:" + closedPort + "/v2/"), "127.0.0.1"));
  }

  private static IOException connectFailure(String url) {
    return assertThrows(ConnectException.class, () -> HttpClient.newHttpClient()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding()));
  }

  @Test
  void aTokenServersRefusalIsWordedAsDockersRegistryClientWordsIt() {
    // Docker Hub's answer to a wrong password
    assertEquals("unauthorized: incorrect username or password", RegistrySession.tokenServerError(401,
        "application/json", "{\"details\":\"incorrect username or password\"}".getBytes()));
    assertEquals("unauthorized: authentication required", RegistrySession.tokenServerError(401,
        "application/json", "{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}"
            .getBytes()));
    assertEquals("unauthorized: authentication required", RegistrySession.tokenServerError(401,
        "application/json; charset=utf-8", "{}".getBytes()));
    assertEquals("unauthorized: bad password", RegistrySession.tokenServerError(401, "text/plain",
        "bad password".getBytes()));
    assertEquals("denied: ", RegistrySession.tokenServerError(403, "", new byte[0]));
  }

  @Test
  void bearerIsPreferredAndQuotedParametersAreRead() {
    Challenge c = Challenge.best(List.of("Basic realm=\"r\"",
        "Bearer realm=\"https://auth.example/token\",service=\"registry.example\",scope=\"repository:a/b:pull,push\""))
        .orElseThrow();
    assertEquals(Challenge.BEARER, c.scheme());
    assertEquals(Map.of("realm", "https://auth.example/token", "service", "registry.example",
        "scope", "repository:a/b:pull,push"), c.parameters());
    assertEquals(Challenge.BASIC, Challenge.best(List.of("Basic realm=\"Registry Realm\"")).orElseThrow().scheme());
    assertEquals(java.util.Optional.empty(), Challenge.best(List.of("Negotiate")));
  }

  @Test
  void loopbackRegistriesAreInsecureOthersOnlyWhenAsked() {
    assertEquals(true, RegistryHosts.insecure("127.0.0.1:5000", false));
    assertEquals(true, RegistryHosts.insecure("localhost:5000", false));
    assertEquals(true, RegistryHosts.insecure("[::1]:5000", false));
    assertEquals(false, RegistryHosts.insecure("registry.example:5000", false));
    assertEquals(true, RegistryHosts.insecure("registry.example:5000", true));
  }
}
