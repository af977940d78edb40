package dev.berth.transfer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import berth.transfer.v1.BlobState;
import berth.transfer.v1.ListTagsRequest;
import berth.transfer.v1.LoginRequest;
import berth.transfer.v1.PullRequest;
import berth.transfer.v1.PushRequest;
import berth.transfer.v1.RegistryAuth;
import com.sun.net.httpserver.HttpServer;
import dev.berth.api.testing.LoopbackRegistry;
import dev.berth.client.images.Descriptor;
import dev.berth.client.testing.TestImage;
import dev.berth.client.testing.TestImages;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes and pulls against registries that want credentials: basic auth with the registry's
 * htpasswd, and the bearer-token flow with a token server on 127.0.0.1. No unpacking, so no
 * mounts: the Berth behind the Transfer service only stores blobs and records.
 */
class RegistryAuthTest {
  private static final String USER = "berth-user";
  private static final String PASSWORD = "s3cret pass";
  private static final RegistryAuth GOOD = RegistryAuth.newBuilder().setUsername(USER).setPassword(PASSWORD).build();
  private static final RegistryAuth BAD = RegistryAuth.newBuilder().setUsername(USER).setPassword("wrong").build();
  private static final TestImage BUSYBOX = TestImages.busybox();

  @TempDir
  Path dir;

  @Test
  void basicAuthRefusesStrangersAndServesTheUser() throws Exception {
    assumeTrue(LoopbackRegistry.available() && Files.isExecutable(Path.of("/usr/bin/htpasswd")), "needs registry, htpasswd");
    try (LoopbackRegistry registry = LoopbackRegistry.startWithBasicAuth(dir.resolve("registry"), USER, PASSWORD)) {
      // moby's loginV2: the status of the API root that refused the credentials, and its URL
      // containerd's authorizer, as Docker 27's daemon says it: no credentials for a basic challenge
      // and a pull as moby passes that error of containerd's resolver on, unlike its others
      pushAndPullOnlyWithCredentials(registry, "push access denied, repository does not exist or may require"
          + " authorization: authorization failed: no basic auth credentials", "login attempt to http://"
          + registry.host() + "/v2/ failed with status: 401 Unauthorized", "failed to resolve reference \""
          + registry.host() + "/private/busybox:1\": pull access denied, repository does not exist or may require"
          + " authorization: authorization failed: no basic auth credentials",
          // credentials the registry refuses: containerd's resolver's unexpected status of its HEAD
          "failed to resolve reference \"" + registry.host() + "/private/busybox:1\": unexpected status from HEAD"
          + " request to http://" + registry.host() + "/v2/private/busybox/manifests/1: 401 Unauthorized");
    }
  }

  @Test
  void aTokenServersRefusalNamesTheRequestContainerdsAuthorizerMade() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    String host = "127.0.0.1:" + server.getAddress().getPort();
    String realm = "http://" + host + "/token";
    // a registry whose token server refuses everyone (403 to an OAuth POST is no sign it lacks one)
    server.createContext("/v2/", exchange -> {
      exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"" + realm + "\",service=\"closed\"");
      exchange.sendResponseHeaders(401, -1);
      exchange.close();
    });
    server.createContext("/token", exchange -> {
      exchange.sendResponseHeaders(exchange.getRequestMethod().equals("POST") ? 403 : 401, -1);
      exchange.close();
    });
    server.start();
    try (TransferRig rig = new TransferRig(dir.resolve("rig"))) {
      denied("failed to resolve reference \"" + host + "/closed/app:1\": failed to authorize: failed to fetch anonymous"
          + " token: unexpected status from GET request to " + realm + "?scope=repository%3Aclosed%2Fapp%3Apull"
          + "&service=closed: 401 Unauthorized",
          () -> rig.pull(PullRequest.newBuilder().setReference(host + "/closed/app:1").build()));
      // credentials go by OAuth POST first, whose 403 is the error, the realm without a query
      denied("failed to resolve reference \"" + host + "/closed/app:1\": failed to authorize: failed to fetch oauth"
          + " token: unexpected status from POST request to " + realm + ": 403 Forbidden",
          () -> rig.pull(PullRequest.newBuilder().setReference(host + "/closed/app:1").setAuth(GOOD).build()));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void bearerTokensAreFetchedForTheScopeAndReused() throws Exception {
    assumeTrue(LoopbackRegistry.available(), "needs docker-registry");
    try (LoopbackRegistry registry = LoopbackRegistry.startWithTokenAuth(dir.resolve("registry"), USER, PASSWORD)) {
      // the token server refused them: Go's words for the request it stopped, then distribution's
      // for a 401 with an empty body
      // an anonymous token that does not allow the push: the registry's error from its challenge
      // (a pull so refused moby words itself, as before Docker 27)
      pushAndPullOnlyWithCredentials(registry, "push access denied, repository does not exist or may require"
          + " authorization: server message: insufficient_scope: authorization failed",
          "Get \"http://" + registry.host() + "/v2/\": unauthorized: ", "pull access denied for " + registry.host()
          + "/private/busybox, repository does not exist or may require 'berthctl login'",
          // credentials the token server refuses: containerd's authorizer's words for its token request
          "failed to resolve reference \"" + registry.host() + "/private/busybox:1\": failed to authorize: failed to"
          + " fetch oauth token: unexpected status from GET request to " + registry.tokenRealm()
          + "?scope=repository%3Aprivate%2Fbusybox%3Apull&service=berth-test-registry: 401 Unauthorized");
      try (TransferRig again = new TransferRig(dir.resolve("again"))) {
        int before = registry.tokenRequests().size();
        again.pull(pull(registry, GOOD));
        // containerd's authorizer: a user's password by the OAuth POST's password grant
        assertEquals(List.of("POST 200"), registry.tokenRequests().subList(before, registry.tokenRequests().size()));
        int issued = registry.tokensIssued();
        again.pull(pull(registry, GOOD));
        assertEquals(issued, registry.tokensIssued(), "the second pull reuses the token of the first");
      }
    }
  }

  @Test
  void anIdentityTokenTheTokenServerRefusesIsTriedByGetForAPullNotForALogin() throws Exception {
    assumeTrue(LoopbackRegistry.available(), "needs docker-registry");
    try (LoopbackRegistry registry = LoopbackRegistry.startWithTokenAuth(dir.resolve("registry"), USER, PASSWORD);
        TransferRig rig = new TransferRig(dir.resolve("rig"))) {
      rig.load(BUSYBOX);
      rig.push(push(registry, GOOD));
      RegistryAuth refused = RegistryAuth.newBuilder().setIdentityToken("stale").build();
      // containerd's authorizer: the OAuth POST refused, the token as basic auth's password by GET,
      // whose refusal is the error
      int before = registry.tokenRequests().size();
      denied("failed to resolve reference \"" + registry.host() + "/private/busybox:1\": failed to authorize: failed to"
          + " fetch oauth token: unexpected status from GET request to " + registry.tokenRealm()
          + "?scope=repository%3Aprivate%2Fbusybox%3Apull&service=berth-test-registry: 401 Unauthorized",
          () -> rig.pull(pull(registry, refused)));
      assertEquals(List.of("POST 401", "GET 401"), registry.tokenRequests().subList(before, registry.tokenRequests()
          .size()));
      // moby's login (distribution's token handler): the POST only, in Go's words for the request it stopped
      before = registry.tokenRequests().size();
      denied("Get \"http://" + registry.host() + "/v2/\": unauthorized: ",
          () -> rig.login(LoginRequest.newBuilder().setRegistry(registry.host()).setAuth(refused).build()));
      assertEquals(List.of("POST 401"), registry.tokenRequests().subList(before, registry.tokenRequests().size()));
      // a good identity token goes by POST
      RegistryAuth identity = RegistryAuth.newBuilder().setIdentityToken(PASSWORD).build();
      rig.login(LoginRequest.newBuilder().setRegistry(registry.host()).setAuth(identity).build());
      rig.pull(pull(registry, identity));
    }
  }

  @Test
  void aMountTheRegistryRefusesIsUploadedWithoutUnlessItsChallengeNamesAnError() throws Exception {
    assumeTrue(LoopbackRegistry.available(), "needs docker-registry");
    try (LoopbackRegistry registry = LoopbackRegistry.startWithTokenAuth(dir.resolve("registry"), USER, PASSWORD);
        ErrorlessChallengeProxy proxy = ErrorlessChallengeProxy.start(registry.host());
        TransferRig rig = new TransferRig(dir.resolve("rig"))) {
      rig.load(BUSYBOX);
      // the blobs labelled with the repository on either address
      for (String host : List.of(registry.host(), proxy.host())) {
        rig.push(PushRequest.newBuilder().setImage(BUSYBOX.name()).setReference(host + "/team/base:1").setAuth(GOOD)
            .build());
      }
      // the user may no longer pull the repository the blobs are labelled with
      registry.denyToUser("team/base");

      // containerd's authorizer stops at the second insufficient_scope to the mount, and its pusher
      // passes that on
      denied("server message: insufficient_scope: authorization failed", () -> rig.push(PushRequest.newBuilder()
          .setImage(BUSYBOX.name()).setReference(registry.host() + "/team/app:1").setAuth(GOOD).build()));

      // a 401 naming no error: containerd's pusher asks for an upload without the mount
      TransferRig.Result pushed = rig.push(PushRequest.newBuilder().setImage(BUSYBOX.name())
          .setReference(proxy.host() + "/team/app:1").setAuth(GOOD).build());
      for (Descriptor layer : rig.client.images().content(rig.client.images().resolve(BUSYBOX.name())).layers()) {
        assertTrue(pushed.reached(layer.digest(), BlobState.DONE), pushed.events()::toString);
      }
      assertEquals(List.of(), registry.openUploads("team/app"));
    }
  }

  private void pushAndPullOnlyWithCredentials(LoopbackRegistry registry, String pushRefused, String loginRefused,
      String pullRefused, String badPullRefused) throws Exception {
    String repository = registry.host() + "/private/busybox";
    try (TransferRig source = new TransferRig(dir.resolve("source"));
        TransferRig target = new TransferRig(dir.resolve("target"))) {
      source.load(BUSYBOX);
      denied(pushRefused, () -> source.push(push(registry, RegistryAuth.getDefaultInstance())));
      denied(loginRefused,
          () -> source.login(LoginRequest.newBuilder().setRegistry(registry.host()).setAuth(BAD).build()));
      source.login(LoginRequest.newBuilder().setRegistry(registry.host()).setAuth(GOOD).build());

      String digest = source.push(push(registry, GOOD)).done().getDigest();

      denied(pullRefused, () -> target.pull(pull(registry, RegistryAuth.getDefaultInstance())));
      denied(badPullRefused, () -> target.pull(pull(registry, BAD)));
      assertEquals(digest, target.pull(pull(registry, GOOD)).done().getImage().getTarget().getDigest());

      denied("pull access denied for " + repository + ", repository does not exist or may require 'berthctl login'",
          () -> target.transfer.listTags(listTags(registry, RegistryAuth.getDefaultInstance())));
      assertEquals(List.of("1"), target.transfer.listTags(listTags(registry, GOOD)).getTagsList());
    }
  }

  private static PushRequest push(LoopbackRegistry registry, RegistryAuth auth) {
    return PushRequest.newBuilder().setImage(BUSYBOX.name()).setReference(registry.host() + "/private/busybox:1")
        .setAuth(auth).build();
  }

  private static ListTagsRequest listTags(LoopbackRegistry registry, RegistryAuth auth) {
    return ListTagsRequest.newBuilder().setRepository(registry.host() + "/private/busybox").setAuth(auth).build();
  }

  private static PullRequest pull(LoopbackRegistry registry, RegistryAuth auth) {
    return PullRequest.newBuilder().setReference(registry.host() + "/private/busybox:1").setAuth(auth).build();
  }

  private static void denied(String message, Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode(), e.getStatus().getDescription());
    assertEquals(message, e.getStatus().getDescription());
  }
}
