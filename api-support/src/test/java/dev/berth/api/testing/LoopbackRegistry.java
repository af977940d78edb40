package dev.berth.api.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Debian's {@code docker-registry} (the distribution registry, 2.8) serving on 127.0.0.1 at a free
 * port, its storage and configuration under a directory the test gives; optionally behind basic
 * auth (an htpasswd file made with {@code htpasswd -B}, the registry accepts bcrypt only) or the
 * bearer-token flow, whose token server (on 127.0.0.1 too) this fixture runs: it signs tokens for a
 * certificate made with openssl and grants what is asked to the one user it knows, nothing to
 * anyone else. Blobs and manifests can also be planted straight into the storage, for manifests
 * the registry would refuse to take through its API. It can also serve HTTPS only, with a
 * certificate from a CA of its own. Images also get in with {@code skopeo} from archives the
 * tests build; what a client pushed is read back through the registry's HTTP API, so tests compare
 * what the registry serves, not what a client believes it sent. Needs docker-registry, skopeo,
 * htpasswd (apache2-utils) and openssl: scripts/install-deps.sh installs them.
 */
public final class LoopbackRegistry implements AutoCloseable {
  public static final Path BINARY = Path.of("/usr/bin/docker-registry");
  public static final Path SKOPEO = Path.of("/usr/bin/skopeo");
  /** Every manifest type a client may have pushed, for reads by tag. */
  public static final String MANIFEST_TYPES = String.join(", ",
      "application/vnd.oci.image.index.v1+json", "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.docker.distribution.manifest.list.v2+json",
      "application/vnd.docker.distribution.manifest.v2+json");
  private static final String SERVICE = "berth-test-registry";
  private static final String ISSUER = "berth-test-token-server";
  private static final int START_ATTEMPTS = 3;
  private static final long START_TIMEOUT_MILLIS = 15_000;

  private final Path dir;
  private final Process process;
  private final int port;
  private final TokenServer tokens;
  /** The registry made its directory itself and removes it when closed. */
  private boolean ownsDir;

  private LoopbackRegistry(Path dir, Process process, int port, TokenServer tokens) {
    this.dir = dir;
    this.process = process;
    this.port = port;
    this.tokens = tokens;
  }

  /** Whether this host has the registry and skopeo (Debian's docker-registry and skopeo packages). */
  public static boolean available() {
    return Files.isExecutable(BINARY) && Files.isExecutable(SKOPEO);
  }

  /** An open registry in a temporary directory of its own, which {@link #close()} removes. */
  public static LoopbackRegistry start() throws IOException, InterruptedException {
    Path dir = Files.createTempDirectory("berth-registry");
    try {
      LoopbackRegistry registry = start(dir);
      registry.ownsDir = true;
      return registry;
    } catch (IOException | InterruptedException | RuntimeException e) {
      deleteTree(dir);
      throw e;
    }
  }

  /** An open registry, anyone may pull and push. */
  public static LoopbackRegistry start(Path dir) throws IOException, InterruptedException {
    return start(dir, "", null);
  }

  /** A registry that wants {@code user} and {@code password} by HTTP basic auth. */
  public static LoopbackRegistry startWithBasicAuth(Path dir, String user, String password)
      throws IOException, InterruptedException {
    Path htpasswd = dir.resolve("htpasswd");
    Files.createDirectories(dir);
    Files.writeString(htpasswd, run(List.of("htpasswd", "-nbB", user, password)).trim() + "\n");
    return start(dir, "auth:\n  htpasswd:\n    realm: " + SERVICE + "\n    path: " + htpasswd + "\n", null);
  }

  /**
   * A registry serving HTTPS only, with a certificate for 127.0.0.1 from a CA of its own, whose
   * certificate {@link #caCertificate()} gives.
   */
  public static LoopbackRegistry startWithTls(Path dir) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    Path ca = dir.resolve("ca.crt");
    run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=berth-test-ca",
        "-keyout", dir.resolve("ca.key").toString(), "-out", ca.toString()));
    run(List.of("openssl", "req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
        "-keyout", dir.resolve("server.key").toString(), "-out", dir.resolve("server.csr").toString()));
    Files.writeString(dir.resolve("san.cnf"), "subjectAltName=IP:127.0.0.1\n");
    run(List.of("openssl", "x509", "-req", "-in", dir.resolve("server.csr").toString(), "-CA", ca.toString(),
        "-CAkey", dir.resolve("ca.key").toString(), "-CAcreateserial", "-days", "1",
        "-extfile", dir.resolve("san.cnf").toString(), "-out", dir.resolve("server.crt").toString()));
    return start(dir, "", null, "  tls:\n    certificate: " + dir.resolve("server.crt") + "\n    key: "
        + dir.resolve("server.key") + "\n");
  }

  /** The CA certificate of a registry started {@link #startWithTls with TLS}. */
  public Path caCertificate() {
    return dir.resolve("ca.crt");
  }

  /** A registry that wants bearer tokens from a token server that knows {@code user} by {@code password}. */
  public static LoopbackRegistry startWithTokenAuth(Path dir, String user, String password)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    TokenServer tokens = TokenServer.start(dir, user, password);
    try {
      String auth = "auth:\n  token:\n    realm: " + tokens.realm() + "\n    service: " + SERVICE + "\n    issuer: "
          + ISSUER + "\n    rootcertbundle: " + tokens.certificate() + "\n";
      return start(dir, auth, tokens);
    } catch (IOException | InterruptedException | RuntimeException e) {
      tokens.close();
      throw e;
    }
  }

  private static LoopbackRegistry start(Path dir, String auth, TokenServer tokens)
      throws IOException, InterruptedException {
    return start(dir, auth, tokens, "");
  }

  private static LoopbackRegistry start(Path dir, String auth, TokenServer tokens, String tls)
      throws IOException, InterruptedException {
    Path storage = dir.resolve("storage");
    Files.createDirectories(storage);
    IOException last = null;
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
      int port = freePort();
      Path config = dir.resolve("config.yml");
      Files.writeString(config, "version: 0.1\n"
          + "log:\n  level: warn\n  accesslog:\n    disabled: true\n"
          + "storage:\n  filesystem:\n    rootdirectory: " + storage + "\n  delete:\n    enabled: true\n"
          + "http:\n  addr: 127.0.0.1:" + port + "\n" + tls
          // foreign (non-distributable) layers name where they are; this registry refuses any URL unless told
          + "validation:\n  manifests:\n    urls:\n      allow:\n        - ^https?://\n"
          + auth);
      Process process = new ProcessBuilder(BINARY.toString(), "serve", config.toString())
          .redirectErrorStream(true).redirectOutput(dir.resolve("registry.log").toFile()).start();
      LoopbackRegistry registry = new LoopbackRegistry(dir, process, port, tokens);
      if (registry.awaitServing()) {
        return registry;
      }
      registry.stopProcess();
      last = new IOException("docker-registry did not serve on 127.0.0.1:" + port + ": "
          + Files.readString(dir.resolve("registry.log")));
    }
    throw last;
  }

  private boolean awaitServing() throws InterruptedException {
    long deadline = System.currentTimeMillis() + START_TIMEOUT_MILLIS;
    while (System.currentTimeMillis() < deadline && process.isAlive()) {
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://" + host() + "/v2/").toURL().openConnection();
        c.setConnectTimeout(500);
        c.getResponseCode();
        c.disconnect();
        return true;
      } catch (IOException notYet) {
        Thread.sleep(50);
      }
    }
    return false;
  }

  /** {@code 127.0.0.1:PORT}, the host part of image references on this registry. */
  public String host() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** {@code repository:tag} (or {@code repository@digest}) in this registry, e.g. {@code 127.0.0.1:5000/busybox:1}. */
  public String reference(String repositoryAndTag) {
    return host() + "/" + repositoryAndTag;
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
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://" + host() + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (accept != null) {
      request.header("Accept", accept);
    }
    HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(2)).build();
    return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> expectOk(HttpResponse<byte[]> response, String what) {
    if (response.statusCode() != 200) {
      throw new IllegalStateException("registry answered " + response.statusCode() + " for " + what + ": "
          + new String(response.body(), StandardCharsets.UTF_8));
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

  /** The URL of the token server's endpoint (the challenge's realm); only with token auth. */
  public String tokenRealm() {
    return tokens.realm();
  }

  /**
   * The requests the token server answered, in order, as {@code METHOD status} ({@code POST 401}):
   * it takes the OAuth POST with the user's password as the refresh token (grant_type
   * refresh_token) or with the user's name and password (grant_type password), and refuses any other.
   */
  public List<String> tokenRequests() {
    return tokens == null ? List.of() : List.copyOf(tokens.requests);
  }

  /** Makes the token server grant the user nothing on {@code repository}, as one without rights there. */
  public void denyToUser(String repository) {
    tokens.denied.add(repository);
  }

  /** How many tokens the token server handed out (0 without token auth). */
  public int tokensIssued() {
    return tokens == null ? 0 : tokens.issued.get();
  }

  /** The file the registry keeps blob {@code digest} in. */
  public Path blobFile(String digest) {
    String hex = digest.substring(digest.indexOf(':') + 1);
    return dir.resolve("storage/docker/registry/v2/blobs/sha256").resolve(hex.substring(0, 2)).resolve(hex)
        .resolve("data");
  }

  /** Puts a blob into the repository's storage, as a push would leave it; returns its digest. */
  public String plantBlob(String repository, byte[] data) throws IOException {
    String digest = sha256(data);
    Path file = blobFile(digest);
    Files.createDirectories(file.getParent());
    Files.write(file, data);
    link(repositoryDir(repository).resolve("_layers/sha256").resolve(hex(digest)), digest);
    return digest;
  }

  /**
   * Puts a manifest or index into the repository's storage under its digest and, unless null,
   * {@code tag}, whatever the registry's API would say to it; returns its digest.
   */
  public String plantManifest(String repository, String tag, byte[] manifest) throws IOException {
    String digest = sha256(manifest);
    Path file = blobFile(digest);
    Files.createDirectories(file.getParent());
    Files.write(file, manifest);
    Path manifests = repositoryDir(repository).resolve("_manifests");
    link(manifests.resolve("revisions/sha256").resolve(hex(digest)), digest);
    if (tag != null) {
      link(manifests.resolve("tags").resolve(tag).resolve("current"), digest);
      link(manifests.resolve("tags").resolve(tag).resolve("index/sha256").resolve(hex(digest)), digest);
    }
    return digest;
  }

  /**
   * The ids of the uploads the registry holds open for {@code repository}: started, neither
   * finished nor cancelled. An open upload keeps its start time; a cancelled one leaves only the
   * directory of its hash states behind (distribution 2.8), which the registry no longer serves.
   */
  public List<String> openUploads(String repository) throws IOException {
    Path uploads = repositoryDir(repository).resolve("_uploads");
    if (!Files.isDirectory(uploads)) {
      return List.of();
    }
    try (Stream<Path> open = Files.list(uploads)) {
      return open.filter(upload -> Files.exists(upload.resolve("startedat"))).map(p -> p.getFileName().toString())
          .sorted().toList();
    }
  }

  private Path repositoryDir(String repository) {
    return dir.resolve("storage/docker/registry/v2/repositories").resolve(repository);
  }

  private static void link(Path dir, String digest) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("link"), digest);
  }

  public static String sha256(byte[] data) {
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(String digest) {
    return digest.substring(digest.indexOf(':') + 1);
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** A port on 127.0.0.1 nothing listens on (for a registry that is down). */
  public static int closedPort() throws IOException {
    return freePort();
  }

  private static String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new IOException(command.get(0) + " failed: " + out);
    }
    return out;
  }

  private void stopProcess() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    try {
      stopProcess();
    } finally {
      if (tokens != null) {
        tokens.close();
      }
      if (ownsDir) {
        deleteTree(dir);
      }
    }
  }

  private static void deleteTree(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("removing " + root, e);
    }
  }

  /**
   * The token server of distribution's token auth: GET {@code /token?service=&scope=} with basic
   * auth answers a JWT (RS256, the signing certificate in its {@code x5c} header) granting the
   * scopes asked for to the known user, and no access to anyone else.
   */
  private static final class TokenServer implements AutoCloseable {
    private static final Pattern SCOPE = Pattern.compile("repository:([^:]+):([a-z,*]+)");

    private final HttpServer server;
    private final Path certificate;
    private final PrivateKey key;
    private final String certificateDer;
    private final String expectedAuth;
    private final String user;
    private final String password;
    final AtomicInteger issued = new AtomicInteger();
    final List<String> requests = java.util.Collections.synchronizedList(new ArrayList<>());
    final java.util.Set<String> denied = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private TokenServer(HttpServer server, Path certificate, PrivateKey key, String certificateDer,
        String expectedAuth, String user, String password) {
      this.user = user;
      this.password = password;
      this.server = server;
      this.certificate = certificate;
      this.key = key;
      this.certificateDer = certificateDer;
      this.expectedAuth = expectedAuth;
    }

    static TokenServer start(Path dir, String user, String password) throws IOException, InterruptedException {
      Path keyFile = dir.resolve("token.key");
      Path certFile = dir.resolve("token.crt");
      run(List.of("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
          "/CN=" + ISSUER, "-keyout", keyFile.toString(), "-out", certFile.toString()));
      PrivateKey key;
      try {
        key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pem(keyFile)));
      } catch (java.security.GeneralSecurityException e) {
        throw new IOException("reading " + keyFile + ": " + e.getMessage(), e);
      }
      String der = Base64.getEncoder().encodeToString(pem(certFile));
      HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      TokenServer tokens = new TokenServer(server, certFile, key, der, "Basic " + Base64.getEncoder()
          .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)), user, password);
      server.createContext("/token", tokens::answer);
      server.start();
      return tokens;
    }

    String realm() {
      return "http://127.0.0.1:" + server.getAddress().getPort() + "/token";
    }

    Path certificate() {
      return certificate;
    }

    private void answer(HttpExchange exchange) throws IOException {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      String parameters = exchange.getRequestURI().getRawQuery();
      boolean known = expectedAuth.equals(auth);
      if (exchange.getRequestMethod().equals("POST")) {
        // the OAuth flow: a refresh token, or a user's name and password, in a form, no Authorization header
        parameters = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        java.util.Map<String, String> form = new java.util.HashMap<>();
        for (String part : parameters.split("&")) {
          String[] pair = part.split("=", 2);
          form.put(pair[0], pair.length > 1 ? java.net.URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : "");
        }
        known = switch (form.getOrDefault("grant_type", "")) {
          case "refresh_token" -> password.equals(form.get("refresh_token"));
          case "password" -> user.equals(form.get("username")) && password.equals(form.get("password"));
          default -> false;
        };
        auth = known ? null : "refused";
      }
      if (auth != null && !known) {
        requests.add(exchange.getRequestMethod() + " 401");
        exchange.sendResponseHeaders(401, -1);
        exchange.close();
        return;
      }
      requests.add(exchange.getRequestMethod() + " 200");
      List<String> access = new ArrayList<>();
      for (String part : parameters == null ? new String[0] : parameters.split("&")) {
        if (part.startsWith("scope=")) {
          String scope = java.net.URLDecoder.decode(part.substring(6), StandardCharsets.UTF_8);
          for (String one : scope.split(" ")) {
            Matcher m = SCOPE.matcher(one);
            if (m.matches() && known && !denied.contains(m.group(1))) {
              StringBuilder actions = new StringBuilder();
              for (String a : m.group(2).split(",")) {
                actions.append(actions.length() == 0 ? "" : ",").append('"').append(a).append('"');
              }
              access.add("{\"type\":\"repository\",\"name\":\"" + m.group(1) + "\",\"actions\":[" + actions
                  + "]}");
            }
          }
        }
      }
      String token = jwt(access, known);
      byte[] body = ("{\"token\":\"" + token + "\",\"access_token\":\"" + token
          + "\",\"expires_in\":300,\"issued_at\":\"" + Instant.now() + "\"}").getBytes(StandardCharsets.UTF_8);
      issued.incrementAndGet();
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    }

    private String jwt(List<String> access, boolean known) {
      long now = Instant.now().getEpochSecond();
      String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\",\"x5c\":[\"" + certificateDer + "\"]}";
      String claims = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + (known ? "user" : "") + "\",\"aud\":\"" + SERVICE
          + "\",\"exp\":" + (now + 300) + ",\"nbf\":" + (now - 10) + ",\"iat\":" + now + ",\"jti\":\""
          + UUID.randomUUID() + "\",\"access\":[" + String.join(",", access) + "]}";
      String signingInput = base64Url(header) + "." + base64Url(claims);
      try {
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(rsa.sign());
      } catch (java.security.GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }

    private static String base64Url(String json) {
      return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] pem(Path file) throws IOException {
      String text = Files.readString(file);
      String body = text.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
      return Base64.getDecoder().decode(body);
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
