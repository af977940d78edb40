package dev.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.berth.api.testing.LoopbackRegistry;
import dev.berth.e2e.PrivateBerthd.Result;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * bin/berthctl's login, push, pull and logout against Debian's docker-registry on 127.0.0.1 behind
 * basic auth, with bin/berthd doing the transfers, as a user runs them.
 */
class RegistryAsAUserTest {
  private static final String USER = "e2e";
  private static final String PASSWORD = "e2e-password";

  private BerthdWithRegistry rig;
  private PrivateBerthd berthd;
  private LoopbackRegistry registry;

  @BeforeEach
  void start() throws Exception {
    rig = BerthdWithRegistry.start(dir -> LoopbackRegistry.startWithBasicAuth(dir, USER, PASSWORD));
    berthd = rig.berthd();
    registry = rig.registry();
  }

  @AfterEach
  void stop() throws Exception {
    if (rig != null) {
      rig.close();
    }
  }

  @Test
  void loginPushPullAndLogout() throws Exception {
    String name = registry.host() + "/e2e/busybox:1";
    ok(null, "tag", "busybox", name);

    Result refused = berthctl(null, "push", name);
    assertEquals(1, refused.exit(), refused::toString);
    // the push's last line, bare as Docker's daemon's refusals inside its output, in Docker 27's words
    assertTrue(refused.err().startsWith("The push refers to repository [" + registry.host() + "/e2e/busybox]\n"),
        refused::toString);
    assertTrue(refused.err().endsWith("\npush access denied, repository does not exist or may require authorization:"
        + " authorization failed: no basic auth credentials\n"), refused::toString);

    Result wrong = berthctl("nope\n", "login", "-u", USER, "--password-stdin", registry.host());
    assertEquals(1, wrong.exit(), wrong::toString);
    // moby's loginV2: the URL that answered and its status
    assertEquals("Error response from daemon: login attempt to http://" + registry.host() + "/v2/ failed with"
        + " status: 401 Unauthorized\n", wrong.err());
    assertTrue(Files.notExists(config()), "a refused login keeps nothing");
    Result loggedIn = ok(PASSWORD + "\n", "login", "-u", USER, "--password-stdin", registry.host());
    assertEquals("Login Succeeded\n", loggedIn.out());
    // Docker's warning for its file store, which is Berth's only store
    assertEquals("WARNING! Your password will be stored unencrypted in " + config() + ".\n", loggedIn.err());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config())));
    String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertTrue(read(config()).contains("\"" + registry.host() + "\"") && read(config()).contains("\"auth\" : \"" + auth
        + "\""), read(config()));

    Result pushed = ok(null, "push", name);
    String digest = pushed.out().trim().replaceFirst("^1: digest: ", "").replaceFirst(" size: [0-9]+$", "");
    assertTrue(digest.matches("sha256:[0-9a-f]{64}"), pushed::toString);
    assertTrue(pushed.err().contains(": Pushed"), pushed::toString);

    // as Docker's -a: every tag of the repository, in turn; a tag given with it is refused
    ok(null, "tag", "busybox", registry.host() + "/e2e/busybox:2");
    Result everyTag = ok(null, "push", "-a", registry.host() + "/e2e/busybox");
    assertEquals(List.of("1: digest: " + digest, "2: digest: " + digest), everyTag.out().lines()
        .map(l -> l.replaceFirst(" size: [0-9]+$", "")).toList());
    assertEquals("tag can't be used with --all-tags/-a\n", berthctl(null, "push", "-a", name).err());
    ok(null, "rmi", registry.host() + "/e2e/busybox:2");
    // pull -a lists the tags with the credentials login kept
    Result allTags = ok(null, "pull", "-a", registry.host() + "/e2e/busybox");
    assertTrue(allTags.err().contains("2: Pulling from e2e/busybox"), allTags::toString);
    assertTrue(allTags.err().endsWith("Status: Downloaded newer image for " + registry.host() + "/e2e/busybox\n"),
        allTags::toString);

    ok(null, "rmi", name);
    ok(null, "rmi", "busybox");
    Result pulled = ok(null, "pull", name);
    assertEquals(name + "\n", pulled.out());
    // the layer fetched and unpacked, or, when berthd has not yet collected what rmi left, already here
    assertTrue(pulled.err().matches("(?s).*: (Pull complete|Already exists)\n.*") && pulled.err().contains("Digest: "
        + digest), pulled::toString);
    assertTrue(ok(null, "images", "--digests").out().lines()
        .anyMatch(l -> l.startsWith(registry.host() + "/e2e/busybox ") && l.contains(" 1 ") && l.contains(digest)));

    Result upToDate = ok(null, "pull", name);
    assertTrue(upToDate.err().contains("Status: Image is up to date for " + name), upToDate::toString);

    assertEquals("Removing login credentials for " + registry.host() + "\n", ok(null, "logout", registry.host()).out());
    assertEquals("Removing login credentials for " + registry.host() + "\n", ok(null, "logout", registry.host()).out(),
        "said as Docker says it when nothing was kept");
    ok(null, "rmi", name);
    Result anonymous = berthctl(null, "pull", "-q", name);
    assertEquals(1, anonymous.exit(), anonymous::toString);
    // Docker 27's daemon passes containerd's resolver's words on for a registry wanting basic auth
    assertEquals("Error response from daemon: failed to resolve reference \"" + name + "\": pull access denied,"
        + " repository does not exist or may require authorization: authorization failed: no basic auth credentials\n",
        anonymous.err());
    // credentials kept that the registry no longer takes (the password changed since the login):
    // containerd's resolver's words for its refused HEAD, which Docker 27's daemon passes on
    String stale = Base64.getEncoder().encodeToString((USER + ":stale").getBytes(StandardCharsets.UTF_8));
    Files.writeString(config(), "{\"auths\":{\"" + registry.host() + "\":{\"auth\":\"" + stale + "\"}}}");
    Result rejected = berthctl(null, "pull", "-q", name);
    assertEquals(1, rejected.exit(), rejected::toString);
    assertEquals("Error response from daemon: failed to resolve reference \"" + name + "\": unexpected status from"
        + " HEAD request to http://" + registry.host() + "/v2/e2e/busybox/manifests/1: 401 Unauthorized\n",
        rejected.err());

    // on a terminal, login asks for the user name and then the password, which it does not echo
    Result prompted = berthd.onTerminal(List.of(new PrivateBerthd.Step("Username: ", USER + "\n"),
        new PrivateBerthd.Step("Password: ", PASSWORD + "\n")), "login", registry.host());
    assertEquals(0, prompted.exit(), prompted::toString);
    assertTrue(prompted.out().contains("Username: " + USER) && prompted.out().contains("Login Succeeded"),
        prompted::toString);
    assertFalse(prompted.out().contains(PASSWORD), () -> "the password was echoed: " + prompted.out());
    assertTrue(read(config()).contains("\"auth\" : \"" + auth + "\""), read(config()));
    assertEquals(name + "\n", ok(null, "pull", "-q", name).out());
    // Docker's run -q: the image pulled without a word of it, the container's output alone
    ok(null, "rmi", name);
    Result quietRun = ok(null, "run", "--rm", "-q", name, "echo", "ran");
    assertEquals("ran\n", quietRun.out());
    assertEquals("", quietRun.err());

    // -p as Docker takes it, with Docker's warning on stderr
    ok(null, "logout", registry.host());
    Result onTheLine = ok(null, "login", "-u", USER, "-p", PASSWORD, registry.host());
    assertEquals("Login Succeeded\n", onTheLine.out());
    assertEquals("WARNING! Using --password via the CLI is insecure. Use --password-stdin.\nWARNING! Your password will"
        + " be stored unencrypted in " + config() + ".\n", onTheLine.err());
    assertTrue(read(config()).contains("\"auth\" : \"" + auth + "\""), read(config()));
  }

  private Path config() {
    return berthd.config().resolve("config.json");
  }

  private Result ok(String stdin, String... args) throws Exception {
    Result r = berthctl(stdin, args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r);
    return r;
  }

  private Result berthctl(String stdin, String... args) throws Exception {
    return stdin == null ? berthd.berthctl(args) : berthd.berthctlWithInput(stdin, args);
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
