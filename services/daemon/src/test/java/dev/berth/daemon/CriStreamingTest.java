package dev.berth.daemon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import berth.network.v1.AttachRequest;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.DetachRequest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.berth.api.grpc.Channels;
import dev.berth.api.labels.ContainerLabels;
import dev.berth.client.testing.TestImages;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import runtime.v1.ExecRequest;
import runtime.v1.ExecSyncRequest;
import runtime.v1.ExecSyncResponse;
import runtime.v1.PortForwardRequest;
import runtime.v1.RuntimeServiceGrpc;

/**
 * The CRI's streaming calls on berthd, driven as the kubelet and kubectl drive them: ExecSync
 * over cri.sock, and the URLs of Exec, Attach and PortForward served to a real SPDY/3.1 client
 * (Netty's codec) and a real WebSocket client (the JDK's), against busybox containers started
 * in namespace k8s.io and a network namespace from the network service.
 */
@Timeout(120)
class CriStreamingTest {
  @RegisterExtension
  static final TestBerthd berthd = new TestBerthd();
  @TempDir static Path dir;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SANDBOX = "cri-stream-sandbox";
  private static final String CRI_CONTAINER = "io.berth.cri.kind=container";
  private static final int HTTPD_PORT = 18080;

  private static ManagedChannel channel;
  private static RuntimeServiceGrpc.RuntimeServiceBlockingStub cri;
  private static Process httpd;

  @BeforeAll
  static void start() throws Exception {
    Path archive = TestImages.busybox().writeDockerArchive(dir.resolve("busybox.tar"));
    ok("images", "import", archive.toString());
    // labelled as the CRI's, whose streaming calls reach only its own containers and pods
    ok("run", "-d", "--label", CRI_CONTAINER, TestImages.BUSYBOX_NAME, "idle", "sleep", "1000");
    ok("run", "-d", "--label", CRI_CONTAINER, TestImages.BUSYBOX_NAME, "ticker", "sh", "-c",
        "while true; do echo tick; sleep 0.2; done");
    ok("containers", "create", "--label", CRI_CONTAINER, TestImages.BUSYBOX_NAME, "stopped", "true");
    // as CRI CreateContainer makes one with stdin and stdin_once (critest's attach spec): a shell reading stdin
    ok("run", "-d", "--null-io", "--label", CRI_CONTAINER, "--label", ContainerLabels.OPEN_STDIN + "=true",
        "--label", ContainerLabels.STDIN_ONCE + "=true", TestImages.BUSYBOX_NAME, "shell", "sh");
    ok("containers", "create", "--label", "io.berth.cri.kind=sandbox", TestImages.BUSYBOX_NAME, SANDBOX, "true");
    channel = Channels.unix(berthd.socket(ServiceGroups.CRI));
    cri = RuntimeServiceGrpc.newBlockingStub(channel);

    // a sandbox's network namespace as the network service keeps it, busybox httpd listening inside
    ManagedChannel front = Channels.unix(berthd.socket());
    try {
      String netns = AttachmentsGrpc.newBlockingStub(Channels.inNamespace(front, "k8s.io"))
          .attach(AttachRequest.newBuilder().setContainerId(SANDBOX).setNetwork("none").build())
          .getAttachment().getNetnsPath();
      Path www = Files.createDirectories(dir.resolve("www"));
      Files.writeString(www.resolve("hello.txt"), "hello from the pod\n");
      httpd = new ProcessBuilder("nsenter", "--net=" + netns, "busybox", "sh", "-c",
          "ip link set lo up; exec busybox httpd -f -p 127.0.0.1:" + HTTPD_PORT + " -h " + www)
          .redirectErrorStream(true).start();
      Thread.sleep(500);
      assertTrue(httpd.isAlive(), () -> "httpd in the sandbox's namespace: " + output(httpd));
    } finally {
      front.shutdownNow();
    }
  }

  @AfterAll
  static void stop() throws Exception {
    if (httpd != null) {
      httpd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    if (channel != null) {
      channel.shutdownNow();
    }
    ManagedChannel front = Channels.unix(berthd.socket());
    try {
      AttachmentsGrpc.newBlockingStub(Channels.inNamespace(front, "k8s.io"))
          .detach(DetachRequest.newBuilder().setContainerId(SANDBOX).build());
    } finally {
      front.shutdownNow();
    }
    for (String id : List.of("idle", "ticker", "stopped", "shell", SANDBOX)) {
      ctr("task", "kill", "-s", "SIGKILL", id);
      ctr("task", "rm", "-f", id);
      ctr("containers", "rm", id);
    }
  }

  private static String output(Process p) {
    try {
      return p.isAlive() ? "(running)" : new String(p.getInputStream().readAllBytes());
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static Processes.Result ctr(String... args) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of("-n", "k8s.io"));
    all.addAll(List.of(args));
    return berthd.ctr(null, 60, all.toArray(String[]::new));
  }

  private static void ok(String... args) throws Exception {
    Processes.Result r = ctr(args);
    assertEquals(0, r.exit(), () -> String.join(" ", args) + ": " + r);
  }

  private static ExecSyncResponse execSync(String id, long timeout, String... cmd) {
    return cri.execSync(ExecSyncRequest.newBuilder().setContainerId(id).addAllCmd(List.of(cmd)).setTimeout(timeout).build());
  }

  private static String execUrl(boolean tty, boolean stdin, String... cmd) {
    return cri.exec(ExecRequest.newBuilder().setContainerId("idle").addAllCmd(List.of(cmd)).setTty(tty)
        .setStdin(stdin).setStdout(true).setStderr(!tty).build()).getUrl();
  }

  private static Status.Code code(Runnable call) {
    return assertThrows(StatusRuntimeException.class, call::run).getStatus().getCode();
  }

  @Test
  void execSyncGivesOutputAndExitCodeAndKillsWhatOutlivesItsTimeout() {
    ExecSyncResponse echo = execSync("idle", 0, "echo", "hello");
    assertEquals("hello\n", echo.getStdout().toStringUtf8());
    assertEquals(0, echo.getExitCode());

    ExecSyncResponse failing = execSync("idle", 10, "sh", "-c", "echo out; echo err >&2; exit 3");
    assertEquals("out\n", failing.getStdout().toStringUtf8());
    assertEquals("err\n", failing.getStderr().toStringUtf8());
    assertEquals(3, failing.getExitCode());

    long start = System.nanoTime();
    StatusRuntimeException timeout = assertThrows(StatusRuntimeException.class,
        () -> execSync("idle", 1, "sleep", "31"));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, timeout.getStatus().getCode());
    assertTrue(timeout.getStatus().getDescription().contains("timeout 1s exceeded"), timeout::toString);
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20));
    // the timed-out process was killed, not left behind
    assertTrue(!execSync("idle", 10, "ps").getStdout().toStringUtf8().contains("sleep 31"));
  }

  @Test
  void anExecTheRuntimeRefusesIsWordedAsContainerdsOverBothPaths() throws Exception {
    String expected = "failed to exec in container: failed to start exec \"";
    String why = "\": OCI runtime exec failed: exec failed: unable to start container process: exec: \"/absent\"";
    StatusRuntimeException sync = assertThrows(StatusRuntimeException.class, () -> execSync("idle", 10, "/absent"));
    assertEquals(Status.Code.UNKNOWN, sync.getStatus().getCode());
    String words = sync.getStatus().getDescription();
    assertTrue(words.startsWith(expected) && words.contains(why) && words.endsWith(": unknown"), words);

    try (SpdyTestClient c = SpdyTestClient.connect(execUrl(false, false, "/absent"), "v4.channel.k8s.io")) {
      int error = c.open(Map.of("streamType", "error"));
      c.open(Map.of("streamType", "stdout"));
      c.open(Map.of("streamType", "stderr"));
      JsonNode status = JSON.readTree(c.readToEnd(error, 30));
      String message = status.path("message").asText();
      assertTrue(message.startsWith("Internal error occurred: error executing command in container: " + expected)
          && message.contains(why) && message.endsWith(": unknown"), status::toString);
    }
  }

  @Test
  void unknownContainersAreNotFoundAndStoppedOnesAFailedPrecondition() {
    assertEquals(Status.Code.NOT_FOUND, code(() -> execSync("no-such-container", 0, "true")));
    assertEquals(Status.Code.NOT_FOUND, code(() -> cri.exec(ExecRequest.newBuilder().setContainerId("no-such")
        .addCmd("true").setStdout(true).build())));
    assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> execSync("stopped", 0, "true")));
    assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> cri.exec(ExecRequest.newBuilder()
        .setContainerId("stopped").addCmd("true").setStdout(true).build())));
    assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> cri.exec(ExecRequest.newBuilder()
        .setContainerId("idle").addCmd("true").setTty(true).setStderr(true).build())));
    assertEquals(Status.Code.NOT_FOUND, code(() -> cri.portForward(PortForwardRequest.newBuilder()
        .setPodSandboxId("no-such-sandbox").addPort(80).build())));
  }

  @Test
  void spdyExecStreamsOutputStdinAndTheExitStatus() throws Exception {
    try (SpdyTestClient c = SpdyTestClient.connect(execUrl(false, true, "sh", "-c", "cat; echo warn >&2; exit 7"),
        "v4.channel.k8s.io", "v3.channel.k8s.io")) {
      assertEquals(101, c.response().status().code());
      assertEquals("v4.channel.k8s.io", c.response().headers().get("X-Stream-Protocol-Version"));
      int error = c.open(Map.of("streamType", "error"));
      int stdin = c.open(Map.of("streamType", "stdin"));
      int stdout = c.open(Map.of("streamType", "stdout"));
      int stderr = c.open(Map.of("streamType", "stderr"));
      c.send(stdin, "round ");
      c.send(stdin, "trip\n");
      c.halfClose(stdin);
      assertEquals("round trip\n", c.readToEnd(stdout, 30));
      assertEquals("warn\n", c.readToEnd(stderr, 30));
      JsonNode status = JSON.readTree(c.readToEnd(error, 30));
      assertEquals("Failure", status.path("status").asText(), status::toString);
      assertEquals("NonZeroExitCode", status.path("reason").asText());
      assertEquals("ExitCode", status.path("details").path("causes").path(0).path("reason").asText());
      assertEquals("7", status.path("details").path("causes").path(0).path("message").asText());
    }
    // 3 MB: far beyond SPDY's 64 KiB window, so it flows only as the client's session grants more
    try (SpdyTestClient c = SpdyTestClient.connect(execUrl(false, false, "sh", "-c",
        "/bin/busybox yes 0123456789abcdef | /bin/busybox head -c 3000000"), "v4.channel.k8s.io")) {
      int error = c.open(Map.of("streamType", "error"));
      int stdout = c.open(Map.of("streamType", "stdout"));
      c.open(Map.of("streamType", "stderr"));
      String out = c.readToEnd(stdout, 60);
      assertEquals(3_000_000, out.length());
      assertTrue(out.startsWith("0123456789abcdef\n0123456789abcdef\n"), out.substring(0, 40));
      assertEquals("Success", JSON.readTree(c.readToEnd(error, 30)).path("status").asText());
      c.disconnected().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void spdyExecWithATerminalFollowsResizes() throws Exception {
    try (SpdyTestClient c = SpdyTestClient.connect(execUrl(true, true, "sh", "-c", "read go; /bin/busybox stty size"),
        "v4.channel.k8s.io")) {
      int error = c.open(Map.of("streamType", "error"));
      int stdin = c.open(Map.of("streamType", "stdin"));
      int stdout = c.open(Map.of("streamType", "stdout"));
      int resize = c.open(Map.of("streamType", "resize"));
      c.send(resize, "{\"Width\":100,\"Height\":40}");
      Thread.sleep(300);
      c.send(stdin, "go\r");
      String out = c.readToEnd(stdout, 30);
      assertTrue(out.contains("40 100"), out);
      assertEquals("Success", JSON.readTree(c.readToEnd(error, 30)).path("status").asText());
    }
  }

  @Test
  void webSocketExecOnV5ClosesStdinAndOnV4Streams() throws Exception {
    WebSocketTestClient v5 = WebSocketTestClient.connect(execUrl(false, true, "sh", "-c", "cat; exit 4"),
        "v5.channel.k8s.io", "v4.channel.k8s.io");
    assertEquals("v5.channel.k8s.io", v5.socket.getSubprotocol());
    v5.send(0, "over websocket\n");
    v5.send(255, new byte[] {0});
    v5.awaitClose(30);
    assertEquals("over websocket\n", v5.channel(1));
    assertEquals(1, v5.messages.get(0)[0], "the first message is the empty one on stdout, saying the streams are ready");
    JsonNode status = JSON.readTree(v5.channel(3));
    assertEquals("4", status.path("details").path("causes").path(0).path("message").asText(), status::toString);

    WebSocketTestClient v4 = WebSocketTestClient.connect(execUrl(false, false, "sh", "-c", "echo four; echo e >&2"),
        "v4.channel.k8s.io");
    assertEquals("v4.channel.k8s.io", v4.socket.getSubprotocol());
    v4.awaitClose(30);
    assertEquals("four\n", v4.channel(1));
    assertEquals("e\n", v4.channel(2));
    assertEquals("Success", JSON.readTree(v4.channel(3)).path("status").asText());
  }

  @Test
  void attachFollowsTheMainProcessAndLeavesItRunning() throws Exception {
    String url = cri.attach(runtime.v1.AttachRequest.newBuilder().setContainerId("ticker").setStdout(true)
        .setStderr(true).build()).getUrl();
    try (SpdyTestClient c = SpdyTestClient.connect(url, "v4.channel.k8s.io")) {
      c.open(Map.of("streamType", "error"));
      int stdout = c.open(Map.of("streamType", "stdout"));
      c.open(Map.of("streamType", "stderr"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!c.received(stdout).contains("tick\ntick\n") && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertTrue(c.received(stdout).contains("tick\ntick\n"), c.received(stdout));
    }
    Thread.sleep(500);
    assertEquals(0, execSync("ticker", 10, "true").getExitCode(), "the container runs on after the client left");
  }

  @Test
  void attachWithStdinOnceClosesTheMainProcessStdinWhenTheClientEndsItsInput() throws Exception {
    String url = cri.attach(runtime.v1.AttachRequest.newBuilder().setContainerId("shell").setStdin(true)
        .setStdout(true).setStderr(true).build()).getUrl();
    try (SpdyTestClient c = SpdyTestClient.connect(url, "v4.channel.k8s.io")) {
      int error = c.open(Map.of("streamType", "error"));
      int stdin = c.open(Map.of("streamType", "stdin"));
      int stdout = c.open(Map.of("streamType", "stdout"));
      int stderr = c.open(Map.of("streamType", "stderr"));
      c.send(stdin, "echo hello\n");
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!c.received(stdout).equals("hello\n") && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals("hello\n", c.received(stdout));
      // the shell meets the end of its input and ends: so does the attach, without a hang
      c.halfClose(stdin);
      assertEquals("Success", JSON.readTree(c.readToEnd(error, 30)).path("status").asText());
      assertEquals("hello\n", c.readToEnd(stdout, 30));
      assertEquals("", c.readToEnd(stderr, 30));
    }
    assertEquals(Status.Code.FAILED_PRECONDITION, code(() -> execSync("shell", 10, "true")),
        "the shell ended with its stdin");
  }

  @Test
  void portForwardReachesAPortInsideTheSandboxOverSpdyAndWebSocket() throws Exception {
    String request = "GET /hello.txt HTTP/1.0\r\n\r\n";
    String url = cri.portForward(PortForwardRequest.newBuilder().setPodSandboxId(SANDBOX).addPort(HTTPD_PORT).build())
        .getUrl();
    try (SpdyTestClient c = SpdyTestClient.connect(url, "portforward.k8s.io")) {
      assertEquals("portforward.k8s.io", c.response().headers().get("X-Stream-Protocol-Version"));
      String port = Integer.toString(HTTPD_PORT);
      int error = c.open(Map.of("streamType", "error", "port", port, "requestID", "0"));
      int data = c.open(Map.of("streamType", "data", "port", port, "requestID", "0"));
      c.send(data, request);
      String response = c.readToEnd(data, 30);
      assertTrue(response.startsWith("HTTP/1.") && response.endsWith("hello from the pod\n"), response);
      assertEquals("", c.readToEnd(error, 30));
      // a second connection on the same session, to a port nobody listens on: the error stream says so
      int error2 = c.open(Map.of("streamType", "error", "port", "18081", "requestID", "1"));
      c.open(Map.of("streamType", "data", "port", "18081", "requestID", "1"));
      String refused = c.readToEnd(error2, 30);
      assertTrue(refused.contains("error forwarding port 18081") && refused.contains(SANDBOX), refused);
    }

    WebSocketTestClient ws = WebSocketTestClient.connect(cri.portForward(PortForwardRequest.newBuilder()
        .setPodSandboxId(SANDBOX).addPort(HTTPD_PORT).build()).getUrl(), "v4.channel.k8s.io");
    byte[] portBytes = {(byte) HTTPD_PORT, (byte) (HTTPD_PORT >> 8)};
    ws.send(0, request);
    ws.awaitClose(30);
    assertTrue(ws.channel(0).endsWith("hello from the pod\n"), ws.channel(0));
    assertEquals(0, ws.messages.get(0)[0]);
    assertEquals(portBytes[0], ws.messages.get(0)[1], "the first message on a channel is its port");
    assertEquals(portBytes[1], ws.messages.get(0)[2]);
  }

  /**
   * kubectl's own client-go (Go's SPDY and WebSocket) against the streaming server, through a
   * stand-in for the API server that relays kubectl's request to the URL the CRI answered, as the
   * API server and the kubelet do. Skipped where kubectl is not installed (Debian has no package).
   */
  /**
   * kubectl's own log lines (klog: {@code E1203 11:44:26.614752 7167 websocket.go:296] ...}) taken
   * out. Its WebSocket client may log that it discarded the empty message that tells it the
   * streams are ready, when that message comes before it has set up its streams.
   */
  private static String withoutKubectlLog(String stderr) {
    return stderr.lines().filter(l -> !l.matches("[IWEF]\\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d+ .*"))
        .map(l -> l + "\n").collect(java.util.stream.Collectors.joining());
  }

  @Test
  void kubectlExecsAttachesAndForwardsPortsOverWebSocketAndSpdy() throws Exception {
    Path kubectl = Path.of("/usr/bin/kubectl");
    assumeTrue(Files.isExecutable(kubectl), "kubectl is not installed");
    Path stdin = Files.writeString(dir.resolve("stdin"), "round trip\n");
    try (FakeKubeApi api = new FakeKubeApi()) {
      for (String websocket : List.of("true", "false")) {
        List<String> k = List.of("env", "HOME=" + dir, "KUBECTL_REMOTE_COMMAND_WEBSOCKETS=" + websocket,
            kubectl.toString(), "--server", api.address());
        api.next(cri.exec(ExecRequest.newBuilder().setContainerId("idle").addAllCmd(List.of("sh", "-c", "echo hi; "
            + "echo err >&2; exit 3")).setStdout(true).setStderr(true).build()).getUrl());
        Processes.Result exec = Processes.run(concat(k, "exec", "x", "--", "sh", "-c", "echo hi; echo err >&2; exit 3"),
            null, 60);
        assertEquals(3, exec.exit(), exec::toString);
        assertEquals("hi\n", exec.out(), exec::toString);
        assertTrue(withoutKubectlLog(exec.stderr()).startsWith("err\n"), exec::toString);

        api.next(cri.exec(ExecRequest.newBuilder().setContainerId("idle").addCmd("cat").setStdin(true)
            .setStdout(true).setStderr(true).build()).getUrl());
        Processes.Result cat = Processes.run(concat(k, "exec", "-i", "x", "--", "cat"), stdin, 60);
        assertEquals(0, cat.exit(), cat::toString);
        assertEquals("round trip\n", cat.out(), cat::toString);

        api.next(cri.attach(runtime.v1.AttachRequest.newBuilder().setContainerId("ticker").setStdout(true)
            .setStderr(true).build()).getUrl());
        List<String> attach = new java.util.ArrayList<>(List.of("timeout", "3"));
        attach.addAll(concat(k, "attach", "x"));
        Processes.Result attached = Processes.run(attach, null, 60);
        assertTrue(attached.out().startsWith("tick\ntick\n"), attached::toString);
      }

      int local;
      try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
        local = free.getLocalPort();
      }
      api.next(cri.portForward(PortForwardRequest.newBuilder().setPodSandboxId(SANDBOX).addPort(HTTPD_PORT).build())
          .getUrl());
      Process forward = new ProcessBuilder("env", "HOME=" + dir, "KUBECTL_PORT_FORWARD_WEBSOCKETS=false",
          kubectl.toString(), "--server", api.address(), "port-forward", "x", local + ":" + HTTPD_PORT)
          .redirectErrorStream(true).start();
      try {
        String line = new java.io.BufferedReader(new java.io.InputStreamReader(forward.getInputStream())).readLine();
        assertTrue(line != null && line.startsWith("Forwarding from"), String.valueOf(line));
        for (int i = 0; i < 2; i++) {
          try (java.net.Socket s = new java.net.Socket("127.0.0.1", local)) {
            s.getOutputStream().write("GET /hello.txt HTTP/1.0\r\n\r\n".getBytes());
            String response = new String(s.getInputStream().readAllBytes());
            assertTrue(response.endsWith("hello from the pod\n"), response);
          }
        }
      } finally {
        forward.destroy();
        forward.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new java.util.ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }

  @Test
  void aTokenServesOnceAndUnknownOnesAre404() throws Exception {
    String url = execUrl(false, false, "true");
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    String base = url.substring(0, url.indexOf("/exec/"));
    assertTrue(base.startsWith("http://127.0.0.1:"), base);
    assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(base + "/exec/nosuchtoken")).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    // a request without an upgrade still uses the token up, as the kubelet's cache does
    assertEquals(400, http.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofString()).statusCode());
    try (SpdyTestClient c = SpdyTestClient.connect(url, "v4.channel.k8s.io")) {
      assertEquals(404, c.response().status().code());
    }
    try (SpdyTestClient c = SpdyTestClient.connect(execUrl(false, false, "true"), "v9.channel.k8s.io")) {
      assertEquals(403, c.response().status().code());
    }
  }
}
