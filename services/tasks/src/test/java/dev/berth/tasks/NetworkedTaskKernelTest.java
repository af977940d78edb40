package dev.berth.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.network.v1.Attachment;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.Network;
import berth.network.v1.NetworksGrpc;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.util.concurrent.ListenableFuture;
import containerd.services.tasks.v1.CreateTaskRequest;
import containerd.services.tasks.v1.DeleteTaskRequest;
import containerd.services.tasks.v1.KillRequest;
import containerd.services.tasks.v1.StartRequest;
import containerd.services.tasks.v1.WaitRequest;
import containerd.services.tasks.v1.WaitResponse;
import dev.berth.common.store.MetadataStore;
import dev.berth.linux.ErrnoException;
import dev.berth.linux.Syscalls;
import dev.berth.network.KernelNetworkManager;
import dev.berth.network.NetworkConfig;
import dev.berth.network.NetworkServices;
import dev.berth.tasks.testing.HostLeftovers;
import io.grpc.BindableService;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers that ask for networking through their labels, run on runc with the real network
 * service served beside the task manager, to see the network work inside them (what the task
 * manager asks of the service, and does with its answers, is {@link NetworkedTaskTest}'s). The
 * service's "host" is a network namespace of the test's own, with a bridge of a unique name, so
 * the machine's interfaces and rules are never touched; removing that namespace at the end
 * takes the bridge, veths and rules with it.
 */
class NetworkedTaskKernelTest {
  private static final String PAGE = "hello from a networked container\n";

  @TempDir
  Path dir;
  String hostNetns;
  MetadataStore networkDb;
  KernelNetworkManager network;
  TaskRig rig;
  AttachmentsGrpc.AttachmentsBlockingStub attachments;

  @BeforeEach
  void start() throws Exception {
    String suffix = HexFormat.of().formatHex(randomBytes(4));
    hostNetns = "berth-tn-" + suffix;
    run("ip", "netns", "add", hostNetns);
    run("ip", "-n", hostNetns, "link", "set", "lo", "up");
    Path resolvConf = dir.resolve("resolv.conf");
    Files.writeString(resolvConf, "nameserver 192.0.2.53\n");
    networkDb = MetadataStore.open(dir.resolve("network-root/meta.db"));
    network = KernelNetworkManager.open(dir.resolve("network-state"), networkDb, NetworkConfig.defaults()
        .withHostNetns(Path.of("/run/netns", hostNetns))
        .withDefaultBridge("bn" + suffix)
        .withHostResolvConf(resolvConf));
    List<BindableService> api = new ArrayList<>(NetworkServices.of(network, (namespace, topic, event) -> { }));
    api.add(new DefaultNamespaceOnly());
    rig = TaskRig.start(dir, api.toArray(BindableService[]::new));
    attachments = AttachmentsGrpc.newBlockingStub(rig.api());
  }

  /** Runs after a failed start too. */
  @AfterEach
  void cleanUp() throws Exception {
    try {
      if (rig != null) {
        rig.close();
      }
    } finally {
      if (network != null) {
        network.close();
      }
      if (networkDb != null) {
        networkDb.close();
      }
      // pins of network namespaces a failed test left (rig.close unmounts what lies under dir too)
      for (Path mount : HostLeftovers.mountsUnder(dir)) {
        try {
          Syscalls.unmount(mount, Syscalls.MNT_DETACH);
        } catch (ErrnoException ignored) {
          // gone with its parent
        }
      }
      new ProcessBuilder("ip", "netns", "del", hostNetns).start().waitFor();
    }
  }

  @Test
  void aPublishedPortReachesBusyboxHttpdUntilTheTaskIsDeleted() throws Exception {
    Files.createDirectories(rig.rootfs.resolve("www"));
    Files.writeString(rig.rootfs.resolve("www/index.html"), PAGE);
    rig.createContainer("web", rig.spec("web", "/bin/busybox", "httpd", "-f", "-p", "80", "-h", "/www"),
        Map.of("io.berth.network", "bridge", "io.berth.ports", "0:80"));
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("web").addRootfs(rig.rootfsMount()).build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("web").build());

    List<Attachment> attached = listAttachments();
    assertEquals(1, attached.size());
    Attachment a = attached.get(0);
    int port = a.getPortMappings(0).getHostPort();
    assertTrue(port > 0, "a host port was chosen");
    JsonNode spec = Specs.JSON.readTree(rig.state.resolve("tasks/default/web/config.json").toFile());
    assertEquals(a.getNetnsPath(), Specs.networkNamespace(spec).path("path").asText());
    assertEquals("web", spec.path("hostname").asText());
    assertEquals(a.getFiles().getHosts(), Specs.mountSource(spec, "/etc/hosts"));
    assertEquals(a.getFiles().getResolvConf(), Specs.mountSource(spec, "/etc/resolv.conf"));

    assertEquals(PAGE, awaitPage(port));

    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("web").build());
    rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("web").setSignal(9).build());
    exit.get(20, TimeUnit.SECONDS);
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("web").build());

    assertEquals(List.of(), listAttachments());
    assertFalse(inHost("curl", "-s", "--max-time", "1", "http://127.0.0.1:" + port + "/").ok(), "port closed");
    assertEquals("", inHost("ip", "-o", "link", "show", "type", "veth").output().strip(), "veths left");
    assertEquals(List.of(), HostLeftovers.mountsUnder(dir), "rootfs or network namespace pins left");
  }

  @Test
  void noneHasOnlyLoopbackWithTheHostnameHostsAndResolversAsked() throws Exception {
    rig.createContainer("quiet", rig.spec("quiet", "sh", "-c",
            "ip -o link | cut -d: -f2; echo ---; cat /etc/hosts; echo ---; hostname; cat /etc/hostname; echo ---; "
                + "cat /etc/resolv.conf"),
        Map.of("io.berth.network", "none", "io.berth.hostname", "db-1",
            "io.berth.add-hosts", "cache:10.1.2.3, store:10.1.2.4", "io.berth.dns", "192.0.2.1,192.0.2.2"));
    String[] parts = runToEnd("quiet").split("---\n");

    assertEquals(List.of("lo"), parts[0].lines().map(String::strip).toList());
    assertTrue(parts[1].startsWith("127.0.0.1\tlocalhost\n"), parts[1]);
    assertTrue(parts[1].contains("\n10.1.2.3\tcache\n10.1.2.4\tstore\n"), parts[1]);
    assertEquals("db-1\ndb-1\n", parts[2]);
    assertTrue(parts[3].startsWith("# Generated by berthd.\n"), parts[3]);
    assertTrue(parts[3].contains("\n\nnameserver 192.0.2.1\nnameserver 192.0.2.2\n"), parts[3]);
    assertTrue(parts[3].contains("\n# Overrides: [nameservers]\n"), parts[3]);

    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("quiet").build());
    assertEquals(List.of(), listAttachments());
    assertEquals(List.of(), HostLeftovers.mountsUnder(dir), "rootfs or network namespace pins left");
  }

  @Test
  void anAddressAndSearchDomainsAskedForByLabels() throws Exception {
    NetworksGrpc.newBlockingStub(rig.api()).create(CreateNetworkRequest.newBuilder()
        .setNetwork(Network.newBuilder().setName("appnet").setSubnet("10.201.7.0/24")).build());
    rig.createContainer("fixed", rig.spec("fixed", "sh", "-c", "ip -4 -o addr show eth0; cat /etc/resolv.conf"),
        Map.of("io.berth.network", "appnet", "io.berth.ip", "10.201.7.42",
            "io.berth.dns-search", "example.com, corp.example"));
    String out = runToEnd("fixed");
    assertTrue(out.contains(" inet 10.201.7.42/24 "), out);
    assertTrue(out.contains("search example.com corp.example\n"), out);
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("fixed").build());
    assertEquals(List.of(), listAttachments());
  }

  @Test
  void hostModeSharesTheNetworkServicesHostNamespace() throws Exception {
    run("ip", "-n", hostNetns, "link", "add", "hostmark0", "type", "bridge");
    rig.createContainer("onhost", rig.spec("onhost", "sh", "-c", "ip -o link | cut -d: -f2"),
        Map.of("io.berth.network", "host"));
    assertEquals(List.of("lo", "hostmark0"), runToEnd("onhost").lines().map(String::strip).toList());
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("onhost").build());
    assertEquals(List.of(), listAttachments());
  }

  @Test
  void aContainerWithoutNetworkLabelsKeepsItsSpec() throws Exception {
    rig.createContainer("plain", rig.spec("plain", "sh", "-c", "ip -o link | cut -d: -f2; hostname"));
    assertEquals("lo\nberth-test\n", runToEnd("plain").replace(" ", ""));
    assertEquals(List.of(), listAttachments());
    JsonNode spec = Specs.JSON.readTree(rig.state.resolve("tasks/default/plain/config.json").toFile());
    assertFalse(Specs.networkNamespace(spec).has("path"));
    assertEquals("", Specs.mountSource(spec, "/etc/hosts"));
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("plain").build());
  }

  @Test
  void deleteAfterARestartStillDetaches() throws Exception {
    rig.createContainer("survivor", rig.spec("survivor", "sleep", "1000"), Map.of("io.berth.network", "bridge"));
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId("survivor").addRootfs(rig.rootfsMount()).build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId("survivor").build());
    String ip = listAttachments().get(0).getResult().getIps(0).getAddress().split("/")[0];
    assertTrue(inHost("busybox", "ping", "-c", "1", "-W", "2", ip).ok(), "the container answers on " + ip);

    rig.shutdown();
    rig.reopen();
    rig.manager.detachOrphanedAttachments();
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId("survivor").build());
    rig.tasksApi.kill(KillRequest.newBuilder().setContainerId("survivor").setSignal(9).build());
    exit.get(20, TimeUnit.SECONDS);
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("survivor").build());

    assertEquals(List.of(), listAttachments());
    assertEquals("", inHost("ip", "-o", "link", "show", "type", "veth").output().strip(), "veths left");
  }

  @Test
  void anEndedTaskGivesBackItsEndpointAndTheNextTaskTakesItAgain() throws Exception {
    NetworksGrpc.newBlockingStub(rig.api()).create(CreateNetworkRequest.newBuilder()
        .setNetwork(Network.newBuilder().setName("small").setSubnet("10.201.9.0/29")).build());
    int hostPort = 20000 + ThreadLocalRandom.current().nextInt(20000);
    rig.createContainer("again", rig.spec("again", "sleep", "1000"),
        Map.of("io.berth.network", "small", "io.berth.ip", "10.201.9.5", "io.berth.ports", hostPort + ":80"));
    startTask("again");
    assertEquals(1, listAttachments().size());
    killAndWait("again");
    // stopped, not yet deleted: no address, veth or port is held
    awaitNoAttachments();
    assertEquals("", inHost("ip", "-o", "link", "show", "type", "veth").output().strip(), "veths left");

    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("again").build());
    startTask("again");
    Attachment back = listAttachments().get(0);
    assertEquals("10.201.9.5/29", back.getResult().getIps(0).getAddress());
    assertEquals(hostPort, back.getPortMappings(0).getHostPort());

    // an exit while berthd is down is released by the next berthd
    int pid = pid("again");
    rig.shutdown();
    run("kill", "-9", Integer.toString(pid));
    Thread.sleep(300);
    rig.reopen();
    awaitNoAttachments();
    rig.tasksApi.delete(DeleteTaskRequest.newBuilder().setContainerId("again").build());
  }

  private void startTask(String id) {
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId(id).addRootfs(rig.rootfsMount()).build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId(id).build());
  }

  private int pid(String id) {
    return rig.tasksApi.get(containerd.services.tasks.v1.GetRequest.newBuilder().setContainerId(id).build())
        .getProcess().getPid();
  }

  private void killAndWait(String id) throws Exception {
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId(id).build());
    rig.tasksApi.kill(KillRequest.newBuilder().setContainerId(id).setSignal(9).build());
    exit.get(20, TimeUnit.SECONDS);
  }

  /** The release follows the exit on a thread of its own. */
  private void awaitNoAttachments() throws InterruptedException {
    for (int i = 0; i < 200 && !listAttachments().isEmpty(); i++) {
      Thread.sleep(50);
    }
    assertEquals(List.of(), listAttachments());
  }

  /** Runs the container's task to its end and returns its output. */
  private String runToEnd(String id) throws Exception {
    Path out = rig.fifo(id + "-out");
    CompletableFuture<String> text = FifoReader.readAll(out);
    rig.tasksApi.create(CreateTaskRequest.newBuilder().setContainerId(id).addRootfs(rig.rootfsMount())
        .setStdout(out.toString()).build());
    ListenableFuture<WaitResponse> exit = rig.tasksAsync.wait(WaitRequest.newBuilder().setContainerId(id).build());
    rig.tasksApi.start(StartRequest.newBuilder().setContainerId(id).build());
    assertEquals(0, exit.get(20, TimeUnit.SECONDS).getExitStatus());
    return text.get(10, TimeUnit.SECONDS);
  }

  private List<Attachment> listAttachments() {
    return attachments.list(ListAttachmentsRequest.getDefaultInstance()).getAttachmentsList();
  }

  /** The page served on the host's 127.0.0.1:{@code port}, once httpd in the container answers. */
  private String awaitPage(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Result last = null;
    while (System.nanoTime() < deadline) {
      last = inHost("curl", "-s", "--max-time", "1", "http://127.0.0.1:" + port + "/");
      if (last.ok()) {
        return last.output();
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no answer on 127.0.0.1:" + port + ": " + last);
  }

  record Result(int exit, String output) {
    boolean ok() {
      return exit == 0;
    }
  }

  private Result inHost(String... command) {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", hostNetns));
    full.addAll(List.of(command));
    return exec(full);
  }

  private static void run(String... command) {
    Result r = exec(List.of(command));
    if (!r.ok()) {
      throw new AssertionError(String.join(" ", command) + " exited " + r.exit() + ": " + r.output());
    }
  }

  private static Result exec(List<String> command) {
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + command);
      }
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new AssertionError(command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    ThreadLocalRandom.current().nextBytes(b);
    return b;
  }
}
