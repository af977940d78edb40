package dev.berth.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.DetachRequest;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.NetworksGrpc;
import dev.berth.api.grpc.Channels;
import dev.berth.common.fs.FileTrees;
import dev.berth.common.grpc.ServiceInterceptors;
import dev.berth.common.grpc.UnixSocketServer;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.testing.InProcessServices;
import io.grpc.BindableService;
import io.grpc.Channel;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The network service on the real kernel, confined to a network namespace of the test's own
 * (its "host"), served in-process. Also runs "containers": busybox processes in network
 * namespaces. {@link #close()} removes everything, also after a failure: processes, pins,
 * namespaces (which takes their veths, bridges and nftables rules with them). Tests that restart
 * the service {@link #open} one themselves; the others register {@link #perTest()}.
 */
final class NetworkHarness implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
  final String hostNetns;
  final Path hostNetnsPath;
  final String bridge;
  final Path dir;
  final Path state;
  /** Docker 27's first lines of a container's resolv.conf, which berthd writes too. */
  static final String RESOLV_CONF_HEADER = dev.berth.network.files.ResolvConf.HEADER;

  final Path resolvConf;
  private final List<String> netnsCreated = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private MetadataStore db;
  KernelNetworkManager manager;
  private InProcessServices server;
  private UnixSocketServer socketServer;
  private ManagedChannel socketChannel;
  private ExecutorService socketExecutor;
  private Channel channel;
  NetworksGrpc.NetworksBlockingStub networks;
  AttachmentsGrpc.AttachmentsBlockingStub attachments;

  private NetworkHarness(String suffix, Path dir) {
    this.hostNetns = "berth-t-" + suffix;
    this.hostNetnsPath = Path.of("/run/netns", hostNetns);
    this.bridge = "bt" + suffix;
    this.dir = dir;
    this.state = dir.resolve("state");
    this.resolvConf = dir.resolve("resolv.conf");
  }

  private static String randomSuffix() {
    return HexFormat.of().formatHex(randomBytes(4));
  }

  /** A harness in {@code dir} whose host namespace holds only loopback (up). */
  static NetworkHarness open(Path dir) throws IOException {
    NetworkHarness h = new NetworkHarness(randomSuffix(), dir);
    try {
      h.makeHost();
      return h;
    } catch (RuntimeException | IOException e) {
      h.close();
      throw e;
    }
  }

  /**
   * A harness for each test, started in-process in a directory of its own: register it with
   * {@code @RegisterExtension}. It starts before the test's {@code @BeforeEach} methods and is
   * closed, its directory removed, after the test, also a failed one.
   */
  static NetworkHarness perTest() {
    String suffix = randomSuffix();
    return new NetworkHarness(suffix, Path.of(System.getProperty("java.io.tmpdir"), "berth-network-" + suffix));
  }

  @Override
  public void beforeEach(ExtensionContext context) throws IOException {
    Files.createDirectories(dir);
    makeHost();
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) throws IOException {
    try {
      close();
    } finally {
      FileTrees.deleteRecursively(dir);
    }
  }

  private void makeHost() throws IOException {
    addNetns(hostNetns);
    Files.writeString(resolvConf, "# test host\nnameserver 127.0.0.53\nnameserver 192.0.2.53\n"
        + "search example.test\noptions ndots:2\n");
  }

  /** Starts (or restarts) the service on the same state and database, served in-process. */
  NetworkHarness start() throws IOException {
    openManager();
    server = InProcessServices.start(
        NetworkServices.of(manager, (namespace, topic, event) -> { }).toArray(BindableService[]::new));
    return client(server.channel());
  }

  /** Starts (or restarts) the service as berthd serves it: on a Unix socket. */
  NetworkHarness startOnUnixSocket() throws IOException {
    openManager();
    socketExecutor = Executors.newCachedThreadPool();
    socketServer = UnixSocketServer.start(dir.resolve("network.sock"),
        NetworkServices.of(manager, (namespace, topic, event) -> { }).stream().map(ServiceInterceptors::wrap).toList(),
        null, socketExecutor);
    socketChannel = Channels.unix(dir.resolve("network.sock"));
    return client(socketChannel);
  }

  private void openManager() throws IOException {
    db = MetadataStore.open(dir.resolve("root").resolve("metadata.db"));
    manager = KernelNetworkManager.open(state, db, NetworkConfig.defaults()
        .withHostNetns(hostNetnsPath)
        .withDefaultBridge(bridge)
        .withHostResolvConf(resolvConf));
  }

  private NetworkHarness client(Channel c) {
    channel = c;
    networks = NetworksGrpc.newBlockingStub(c);
    attachments = AttachmentsGrpc.newBlockingStub(c);
    return this;
  }

  AttachmentsGrpc.AttachmentsBlockingStub attachmentsIn(String namespace) {
    return AttachmentsGrpc.newBlockingStub(Channels.inNamespace(channel, namespace));
  }

  /** Closes the service as a daemon shutdown would: what is in the kernel stays. */
  void stop() throws InterruptedException {
    if (server != null) {
      server.close();
      server = null;
    }
    if (socketChannel != null) {
      socketChannel.shutdownNow();
      socketChannel = null;
    }
    if (socketServer != null) {
      socketServer.close();
      socketServer = null;
      socketExecutor.shutdownNow();
    }
    if (manager != null) {
      manager.close();
      manager = null;
    }
    if (db != null) {
      db.close();
      db = null;
    }
  }

  /** Creates a named network namespace (`ip netns add`) with loopback up; removed at close. */
  Path addNetns(String name) {
    Sh.check("ip", "netns", "add", name);
    netnsCreated.add(name);
    Sh.check("ip", "-n", name, "link", "set", "lo", "up");
    return Path.of("/run/netns", name);
  }

  Attachment attach(AttachRequest request) {
    return attachments.attach(request).getAttachment();
  }

  Attachment attach(String containerId, String network, String... portSpecs) {
    return attach(AttachRequest.newBuilder().setContainerId(containerId).setNetwork(network)
        .addAllPortSpecs(List.of(portSpecs)).build());
  }

  void detach(String containerId) {
    attachments.detach(DetachRequest.newBuilder().setContainerId(containerId).build());
  }

  /** Runs {@code command} inside network namespace {@code netns} and returns the result. */
  static Sh.Result in(String netns, String... command) {
    String[] full = new String[command.length + 2];
    full[0] = "nsenter";
    full[1] = "--net=" + netns;
    System.arraycopy(command, 0, full, 2, command.length);
    return Sh.run(full);
  }

  /** Runs {@code command} in the test's host namespace. */
  Sh.Result onHost(String... command) {
    return in(hostNetnsPath.toString(), command);
  }

  /** An HTTP GET from the host namespace; null if it failed. */
  String httpFromHost(String address, int port) {
    Sh.Result r = onHost("curl", "-s", "--max-time", "2", "http://" + address + ":" + port + "/");
    return r.ok() ? r.output() : null;
  }

  /** Starts busybox httpd on port 80 in {@code netns}, serving a page that says {@code body}; waits until it answers. */
  void startWebServer(String netns, String body) throws IOException, InterruptedException {
    Path www = Files.createTempDirectory(dir, "www");
    Files.writeString(www.resolve("index.html"), body);
    Process p = new ProcessBuilder("nsenter", "--net=" + netns, "busybox", "httpd", "-f", "-p", "80", "-h",
        www.toString()).redirectErrorStream(true).redirectOutput(dir.resolve("httpd.log").toFile()).start();
    processes.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (in(netns, "curl", "-s", "--max-time", "1", "http://127.0.0.1:80/").ok()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("busybox httpd did not start in " + netns);
  }

  /** Starts busybox httpd listening on {@code port} in the host namespace (a port some host process holds). */
  void startWebServerOnHost(int port) throws IOException, InterruptedException {
    Path www = Files.createTempDirectory(dir, "www");
    Process p = new ProcessBuilder("nsenter", "--net=" + hostNetnsPath, "busybox", "httpd", "-f", "-p",
        Integer.toString(port), "-h", www.toString()).redirectErrorStream(true)
        .redirectOutput(dir.resolve("host-httpd.log").toFile()).start();
    processes.add(p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (onHost("sh", "-c", "busybox netstat -ltn | grep -q ':" + port + " '").ok()) {
        return;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("busybox httpd did not listen on the host's port " + port);
  }

  /** Everything Berth creates is gone: veths, rules, pins, leases, attachments, files. */
  void assertNothingLeft() throws IOException {
    assertEquals("", onHost("ip", "-o", "link", "show", "type", "veth").output().strip(), "veths left");
    assertFalse(onHost("nft", "list", "ruleset").output().contains("berth"), "nft rules left");
    assertEquals(List.of(), pinsLeft(), "network namespace pins left");
    assertEquals(List.of(), manager.leases(), "address leases left");
    assertEquals(0, attachments.list(ListAttachmentsRequest.getDefaultInstance()).getAttachmentsCount());
    Path files = state.resolve("network");
    if (Files.exists(files)) {
      try (Stream<Path> left = Files.list(files)) {
        assertEquals(List.of(), left.toList(), "generated files left");
      }
    }
  }

  /** Mounts under the state directory (pins), from the mount table. */
  List<String> pinsLeft() throws IOException {
    String prefix = state.toString() + "/";
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .map(l -> l.split(" ")[4])
        .filter(m -> m.startsWith(prefix))
        .toList();
  }

  @Override
  public void close() {
    for (Process p : processes) {
      p.destroyForcibly();
    }
    for (Process p : processes) {
      try {
        p.waitFor(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    try {
      for (String mount : pinsLeft()) {
        Sh.run("umount", "-l", mount);
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    for (String name : netnsCreated) {
      Sh.run("ip", "netns", "del", name);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }

  static void assertOk(Sh.Result r, String what) {
    assertTrue(r.ok(), what + ": " + r.output());
  }
}
