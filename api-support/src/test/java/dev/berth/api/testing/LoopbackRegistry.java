package dev.berth.api.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A registry of the tests' own: Debian's {@code docker-registry} (the distribution registry 2.8)
 * serving plain HTTP on 127.0.0.1 at a free port, its storage and config in a temporary directory
 * that {@link #close()} removes with the process. Images get in with {@code skopeo} from archives
 * the tests build; what a client pushed is read back through the registry's HTTP API, so tests
 * compare what the registry serves, not what a client believes it sent.
 */
public final class LoopbackRegistry implements AutoCloseable {
  public static final Path REGISTRY = Path.of("/usr/bin/docker-registry");
  public static final Path SKOPEO = Path.of("/usr/bin/skopeo");
  /** Every manifest type a client may have pushed, for reads by tag. */
  public static final String MANIFEST_TYPES = String.join(", ",
      "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.docker.distribution.manifest.list.v2+json",
      "application/vnd.docker.distribution.manifest.v2+json");
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
  private static final int PORT_ATTEMPTS = 5;

  private final Path dir;
  private final Process process;
  private final int port;
  private final HttpClient http;

  private LoopbackRegistry(Path dir, Process process, int port, HttpClient http) {
    this.dir = dir;
    this.process = process;
    this.port = port;
    this.http = http;
  }

  /** Whether this host has the registry and skopeo (Debian's docker-registry and skopeo packages). */
  public static boolean available() {
    return Files.isExecutable(REGISTRY) && Files.isExecutable(SKOPEO);
  }

  /** Starts a registry and returns once {@code GET /v2/} answers 200. */
  public static LoopbackRegistry start() throws IOException, InterruptedException {
    if (!available()) {
      throw new IllegalStateException(REGISTRY + " or " + SKOPEO + " is missing: install Debian's docker-registry and skopeo");
    }
    HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(2)).build();
    Path dir = Files.createTempDirectory("berth-registry");
    try {
      // the free port is found by binding and closing, so another process may take it before
      // the registry binds: a registry that exits at start gets another port
      for (int attempt = 1; ; attempt++) {
        int port = freePort();
        Path config = Files.writeString(dir.resolve("config.yml"), config(dir.resolve("storage"), port));
        Process process = new ProcessBuilder(REGISTRY.toString(), "serve", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("registry.log").toFile()))
            .start();
        LoopbackRegistry registry = new LoopbackRegistry(dir, process, port, http);
        if (registry.awaitReady()) {
          return registry;
        }
        process.destroyForcibly().waitFor();
        if (attempt == PORT_ATTEMPTS) {
          throw new IllegalStateException("docker-registry did not start: " + registry.log());
        }
      }
    } catch (IOException | InterruptedException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  private static String config(Path storage, int port) {
    return String.join("\n",
        "version: 0.1",
        "log:",
        "  level: warn",
        "  accesslog:",
        "    disabled: true",
        "storage:",
        "  filesystem:",
        "    rootdirectory: " + storage,
        "  delete:",
        "    enabled: true",
        "http:",
        "  addr: 127.0.0.1:" + port,
        "");
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private boolean awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        return false;
      }
      try {
        if (send("GET", "/v2/", null).statusCode() == 200) {
          return true;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("docker-registry did not answer /v2/ in " + READY_TIMEOUT + ": " + log());
  }

  /** {@code 127.0.0.1:PORT}, the host part of references to this registry. */
  public String address() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** {@code repository:tag} (or {@code repository@digest}) in this registry, e.g. {@code 127.0.0.1:5000/busybox:1}. */
  public String reference(String repositoryAndTag) {
    return address() + "/" + repositoryAndTag;
  }

  /** Where the registry keeps blobs and repositories. */
  public Path storage() {
    return dir.resolve("storage");
  }

  /**
   * Pushes the one image of an OCI image layout archive as {@code repositoryAndTag}, with skopeo,
   * byte for byte (no conversion or recompression).
   */
  public void pushOciArchive(Path archive, String repositoryAndTag) throws IOException, InterruptedException {
    skopeoCopy(archive, repositoryAndTag, "--preserve-digests");
  }

  /**
   * Pushes the one image of an OCI image layout archive as {@code repositoryAndTag} in Docker's
   * media types (image manifest v2 schema 2, {@code rootfs.diff.tar.gzip} layers): skopeo rewrites
   * the manifest and keeps the blobs' bytes.
   */
  public void pushOciArchiveAsDockerSchema2(Path archive, String repositoryAndTag)
      throws IOException, InterruptedException {
    skopeoCopy(archive, repositoryAndTag, "--format=v2s2");
  }

  private void skopeoCopy(Path archive, String repositoryAndTag, String option) throws IOException, InterruptedException {
    Path out = Files.createTempFile(dir, "skopeo", ".log");
    Process skopeo = new ProcessBuilder(SKOPEO.toString(), "--insecure-policy", "copy", "--quiet",
        "--dest-tls-verify=false", option, "oci-archive:" + archive, "docker://" + reference(repositoryAndTag))
        .redirectErrorStream(true)
        .redirectOutput(out.toFile())
        .start();
    if (!skopeo.waitFor(120, TimeUnit.SECONDS)) {
      skopeo.destroyForcibly().waitFor();
      throw new IllegalStateException("skopeo copy of " + archive + " did not finish in 120 s");
    }
    if (skopeo.exitValue() != 0) {
      throw new IllegalStateException("skopeo copy of " + archive + " to " + reference(repositoryAndTag)
          + " failed: " + Files.readString(out));
    }
  }

  /**
   * The digest the registry gives {@code repository:reference}'s manifest (its
   * {@code Docker-Content-Digest}), or null when it has no such manifest.
   */
  public String manifestDigest(String repository, String reference) throws IOException, InterruptedException {
    HttpResponse<byte[]> r = send("HEAD", "/v2/" + repository + "/manifests/" + reference, MANIFEST_TYPES);
    return r.statusCode() == 404 ? null
        : expectOk(r, repository + ":" + reference).headers().firstValue("Docker-Content-Digest").orElseThrow();
  }

  /** The manifest's bytes as the registry serves them. */
  public byte[] manifest(String repository, String reference) throws IOException, InterruptedException {
    return expectOk(send("GET", "/v2/" + repository + "/manifests/" + reference, MANIFEST_TYPES),
        repository + ":" + reference).body();
  }

  /** A blob's bytes as the registry serves them from {@code repository}. */
  public byte[] blob(String repository, String digest) throws IOException, InterruptedException {
    return expectOk(send("GET", "/v2/" + repository + "/blobs/" + digest, null), repository + "@" + digest).body();
  }

  private HttpResponse<byte[]> send(String method, String path, String accept) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + address() + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (accept != null) {
      request.header("Accept", accept);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> expectOk(HttpResponse<byte[]> response, String what) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException("registry answered " + response.statusCode() + " for " + what + ": "
          + new String(response.body()));
    }
    return response;
  }

  /** What the registry logged (warnings and errors). */
  public String log() {
    try {
      return Files.readString(dir.resolve("registry.log"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Stops the registry and removes its storage and config. */
  @Override
  public void close() throws InterruptedException {
    try {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } finally {
      deleteTree(dir);
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      List<Path> deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
      for (Path p : deepestFirst) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("removing " + root, e);
    }
  }
}
