package dev.berth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.berth.api.testing.LoopbackRegistry;
import dev.berth.client.testing.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * bin/berthctl's login, push, pull and logout against Debian's docker-registry on 127.0.0.1 behind
 * basic auth, with bin/berthd doing the transfers, as a user runs them.
 */
class RegistryAsAUserTest {
  private static final Path TOP = Path.of("").toAbsolutePath().getParent();
  private static final String USER = "e2e";
  private static final String PASSWORD = "e2e-password";

  private Path work;
  private Path socket;
  private Process daemon;
  private LoopbackRegistry registry;

  record Result(int exit, String out, String err) {}

  @BeforeEach
  void start() throws Exception {
    assumeTrue(LoopbackRegistry.available(), "needs docker-registry");
    work = Files.createTempDirectory(Path.of("/tmp"), "be2r");
    socket = work.resolve("s/berth.sock");
    registry = LoopbackRegistry.startWithBasicAuth(work.resolve("registry"), USER, PASSWORD);
    daemon = new ProcessBuilder(TOP.resolve("bin/berthd").toString(), "--root", work.resolve("root").toString(),
        "--state", work.resolve("s").toString())
        .redirectErrorStream(true).redirectOutput(work.resolve("berthd.log").toFile()).start();
    for (int i = 0; i < 300 && !(Files.exists(socket) && berthctl(null, "version").exit() == 0); i++) {
      assertTrue(daemon.isAlive(), () -> "berthd exited: " + read(work.resolve("berthd.log")));
      Thread.sleep(100);
    }
  }

  @AfterEach
  void stop() throws Exception {
    try {
      if (daemon != null) {
        daemon.destroy();
        if (!daemon.waitFor(15, TimeUnit.SECONDS)) {
          daemon.destroyForcibly().waitFor();
        }
      }
      if (registry != null) {
        registry.close();
      }
    } finally {
      if (work != null) {
        new ProcessBuilder("rm", "-rf", work.toString()).start().waitFor();
      }
    }
  }

  @Test
  void loginPushPullAndLogout() throws Exception {
    String name = registry.host() + "/e2e/busybox:1";
    ok(null, "load", "-i", TestImages.busybox().writeDockerArchive(work.resolve("busybox.tar")).toString());
    ok(null, "tag", "busybox", name);

    Result refused = berthctl(null, "push", name);
    assertEquals(1, refused.exit(), refused::toString);
    assertEquals("Error: push access denied for " + registry.host() + "/e2e/busybox: not logged in, or not allowed"
        + " to push there (berthctl login " + registry.host() + ")\n", refused.err().lines()
        .filter(l -> l.startsWith("Error")).findFirst().orElse("") + "\n");

    Result wrong = berthctl("nope\n", "login", "-u", USER, "--password-stdin", registry.host());
    assertNotEquals(0, wrong.exit(), wrong::toString);
    assertTrue(Files.notExists(config()), "a refused login keeps nothing");
    assertEquals("Login Succeeded\n", ok(PASSWORD + "\n", "login", "-u", USER, "--password-stdin", registry.host()).out());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config())));
    String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    assertTrue(read(config()).contains("\"" + registry.host() + "\"") && read(config()).contains("\"auth\" : \"" + auth
        + "\""), read(config()));

    Result pushed = ok(null, "push", name);
    String digest = pushed.out().trim().replaceFirst("^1: digest: ", "");
    assertTrue(digest.matches("sha256:[0-9a-f]{64}"), pushed::toString);
    assertTrue(pushed.err().contains(": Pushed"), pushed::toString);

    ok(null, "rmi", name);
    ok(null, "rmi", "busybox");
    Result pulled = ok(null, "pull", name);
    assertEquals(name + "\n", pulled.out());
    assertTrue(pulled.err().contains(": Pull complete") && pulled.err().contains("Digest: " + digest), pulled::toString);
    assertTrue(ok(null, "images", "--digests").out().lines().anyMatch(l -> l.startsWith(name) && l.contains(digest)));

    Result upToDate = ok(null, "pull", name);
    assertTrue(upToDate.err().contains("Status: Image is up to date for " + name), upToDate::toString);

    assertEquals("Removing login credentials for " + registry.host() + "\n", ok(null, "logout", registry.host()).out());
    ok(null, "rmi", name);
    Result anonymous = berthctl(null, "pull", "-q", name);
    assertEquals(1, anonymous.exit(), anonymous::toString);
    assertEquals("Error: pull access denied for " + registry.host() + "/e2e/busybox, repository does not exist or may"
        + " require 'berthctl login'\n", anonymous.err());

    // on a terminal, login asks for the user name and then the password, which it does not echo
    PrivateBerthd.Result prompted = PrivateBerthd.onTerminal(berthctlCommand("login", registry.host()),
        Map.of("BERTH_CONFIG", work.resolve("config").toString()), List.of(
            new PrivateBerthd.Step("Username: ", USER + "\n"), new PrivateBerthd.Step("Password: ", PASSWORD + "\n")));
    assertEquals(0, prompted.exit(), prompted::toString);
    assertTrue(prompted.out().contains("Username: " + USER) && prompted.out().contains("Login Succeeded"),
        prompted::toString);
    assertFalse(prompted.out().contains(PASSWORD), () -> "the password was echoed: " + prompted.out());
    assertTrue(read(config()).contains("\"auth\" : \"" + auth + "\""), read(config()));
    assertEquals(name + "\n", ok(null, "pull", "-q", name).out());
  }

  private Path config() {
    return work.resolve("config/config.json");
  }

  private Result ok(String stdin, String... args) throws Exception {
    Result r = berthctl(stdin, args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + " -> " + r);
    return r;
  }

  private List<String> berthctlCommand(String... args) {
    List<String> cmd = new ArrayList<>(List.of(TOP.resolve("bin/berthctl").toString(), "--address", socket.toString()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  private Result berthctl(String stdin, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(berthctlCommand(args));
    pb.environment().put("BERTH_CONFIG", work.resolve("config").toString());
    Process p = pb.start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    }
    CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
    CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> readAll(p.getErrorStream()));
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor();
      throw new AssertionError(pb.command() + " did not finish");
    }
    return new Result(p.exitValue(), out.join(), err.join());
  }

  private static String readAll(InputStream in) {
    try (in; ByteArrayOutputStream b = new ByteArrayOutputStream()) {
      in.transferTo(b);
      return b.toString(StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.toString();
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return e.toString();
    }
  }
}
