package dev.berth.network;

import static dev.berth.network.BridgeNetworkKernelTest.address;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.GetAttachmentRequest;
import berth.network.v1.GetNetworkRequest;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.Network;
import dev.berth.common.store.MetadataStore;
import dev.berth.common.store.Sql;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A daemon restart, with the service served on a Unix socket as berthd serves it. */
class RestartKernelTest {
  @TempDir Path dir;
  NetworkHarness h;

  @AfterEach
  void cleanUp() {
    h.close();
  }

  @Test
  void aStartRoutesEachContainerThroughTheGatewayTheStoreNames() throws Exception {
    h = NetworkHarness.open(dir).startOnUnixSocket();
    h.networks.create(CreateNetworkRequest.newBuilder().setNetwork(Network.newBuilder().setName("zeta")
        .setSubnet("10.241.0.0/24")).build());
    h.networks.create(CreateNetworkRequest.newBuilder().setNetwork(Network.newBuilder().setName("alpha")
        .setSubnet("10.242.0.0/24")).build());
    Attachment zeta = h.attach("c", "zeta");
    h.attach("c", "alpha");
    // as a crash between the store's update and the kernel's would leave it: the route still through zeta
    h.stop();
    NetworkHarness.in(zeta.getNetnsPath(), "ip", "route", "replace", "default", "via", "10.241.0.1");
    h.startOnUnixSocket();
    assertTrue(NetworkHarness.in(zeta.getNetnsPath(), "ip", "route", "show", "default").output()
        .startsWith("default via 10.242.0.1 "), "alpha, the gateway the store names");
    assertFalse(h.networks.get(GetNetworkRequest.newBuilder().setName("zeta").build()).getNetwork().getSubnetChosen(),
        "a subnet given, on which clients take addresses");
    h.detach("c");
    h.assertNothingLeft();
  }

  @Test
  void attachmentsRulesAndReservationsSurviveARestartAndDetachCleansUpAfterIt() throws Exception {
    h = NetworkHarness.open(dir).startOnUnixSocket();
    Network before = h.networks.get(GetNetworkRequest.newBuilder().setName("bridge").build()).getNetwork();
    h.networks.create(CreateNetworkRequest.newBuilder().setNetwork(Network.newBuilder().setName("app")).build());
    Attachment web = h.attach("web", "", "0:80");
    Attachment peer = h.attach("peer", "app");
    int port = web.getPortMappings(0).getHostPort();
    h.startWebServer(web.getNetnsPath(), "still here\n");
    String rules = h.onHost("nft", "list", "table", "ip", "berth").output();

    h.stop();
    assertEquals("still here\n", h.httpFromHost("127.0.0.1", port), "rules stay in force while the daemon is down");

    h.startOnUnixSocket();
    assertEquals(before.getSubnet(),
        h.networks.get(GetNetworkRequest.newBuilder().setName("bridge").build()).getNetwork().getSubnet());
    assertTrue(h.networks.get(GetNetworkRequest.newBuilder().setName("app").build()).getNetwork().getSubnetChosen(),
        "berthd chose app's subnet, on which clients take no address, as Docker's daemon takes none");
    Attachment again = h.attachments.get(GetAttachmentRequest.newBuilder().setContainerId("web").build())
        .getAttachment();
    assertEquals(web.getNetnsPath(), again.getNetnsPath());
    assertEquals(address(web), address(again));
    assertEquals(port, again.getPortMappings(0).getHostPort());
    assertEquals(rules, h.onHost("nft", "list", "table", "ip", "berth").output(), "the same table is in force");
    assertEquals("still here\n", h.httpFromHost("127.0.0.1", port));
    // The port is reserved again: no second container can publish it.
    StatusRuntimeException taken = assertThrows(StatusRuntimeException.class,
        () -> h.attach("thief", "", port + ":80"));
    assertEquals(Status.Code.FAILED_PRECONDITION, taken.getStatus().getCode());
    // Addresses leased before the restart are not handed out again.
    Attachment next = h.attach("next", "");
    assertFalse(address(next).equals(address(web)));

    h.detach("web");
    h.detach("peer");
    h.detach("next");
    assertNull(h.httpFromHost("127.0.0.1", port));
    h.assertNothingLeft();
  }

  @Test
  void aStoredPortTheHostNoLongerTakesIsSkippedAtStartAndTheRestComesBack() throws Exception {
    h = NetworkHarness.open(dir).start();
    h.attach("odd", "", "0:80");
    Attachment kept = h.attach("kept", "", "0:80");
    h.stop();
    // a host IP bind(2) refuses with EINVAL (link-local, no interface), as a stored row may hold
    try (MetadataStore db = MetadataStore.open(dir.resolve("root").resolve("metadata.db"))) {
      db.write(c -> Sql.update(c, "UPDATE network_ports SET host_ip = 'fe80::1' WHERE container_id = 'odd'"));
    }

    h.start();
    assertEquals(2, h.attachments.list(ListAttachmentsRequest.getDefaultInstance()).getAttachmentsCount());
    int port = kept.getPortMappings(0).getHostPort();
    StatusRuntimeException taken = assertThrows(StatusRuntimeException.class,
        () -> h.attach("thief", "", port + ":80"));
    assertEquals(Status.Code.FAILED_PRECONDITION, taken.getStatus().getCode(), "the other port is reserved again");
    h.detach("odd");
    h.detach("kept");
    h.assertNothingLeft();
  }

  @Test
  void attachmentsWhoseNamespaceVanishedAreForgottenAtStart() throws Exception {
    h = NetworkHarness.open(dir).start();
    Attachment gone = h.attach("gone", "", "0:80");
    Attachment kept = h.attach("kept", "");
    h.stop();
    // As after a reboot: the pin in the state directory is gone, and with it the namespace and its veth.
    Sh.check("umount", gone.getNetnsPath());
    Files.delete(Path.of(gone.getNetnsPath()));

    h.start();
    assertEquals(1, h.attachments.list(ListAttachmentsRequest.getDefaultInstance()).getAttachmentsCount());
    assertEquals("kept", h.attachments.list(ListAttachmentsRequest.getDefaultInstance()).getAttachments(0)
        .getContainerId());
    assertFalse(h.onHost("nft", "list", "ruleset").output().contains("dport"), "the published port's rule is gone");
    assertFalse(Files.exists(Path.of(gone.getFiles().getHosts()).getParent()));
    assertTrue(h.onHost("ip", "-o", "link").output().contains(kept.getHostInterface()));
    h.detach("kept");
    h.assertNothingLeft();
  }

  @Test
  void leftoversOfACrashAreSweptAtStart() throws Exception {
    h = NetworkHarness.open(dir).start();
    Attachment a = h.attach("a", "");
    h.detach("a");
    h.stop();
    // What a crash between the kernel work and the commit would leave: a pin and a veth on our bridge.
    Path pin = h.state.resolve("netns/default/orphan");
    Files.createDirectories(pin.getParent());
    Files.createFile(pin);
    Sh.check("mount", "--bind", h.hostNetnsPath.toString(), pin.toString());
    Sh.check("ip", "-n", h.hostNetns, "link", "add", "vborphan", "master", h.bridge, "type", "veth", "peer", "name",
        "vborphanpeer");

    h.start();
    assertEquals(java.util.List.of(), h.pinsLeft());
    assertFalse(Files.exists(pin));
    assertFalse(h.onHost("ip", "-o", "link").output().contains("vborphan"));
    h.assertNothingLeft();
  }

  @Test
  void theDefaultSubnetAvoidsTheHostsRoutes() throws Exception {
    h = NetworkHarness.open(dir);
    Sh.check("ip", "-n", h.hostNetns, "link", "add", "uplink0", "type", "bridge");
    Sh.check("ip", "-n", h.hostNetns, "addr", "add", "10.88.7.1/16", "dev", "uplink0");
    Sh.check("ip", "-n", h.hostNetns, "link", "set", "uplink0", "up");
    Sh.check("ip", "-n", h.hostNetns, "route", "add", "10.89.0.0/16", "via", "10.88.7.2");
    h.start();
    assertEquals("10.90.0.0/16",
        h.networks.get(GetNetworkRequest.newBuilder().setName("bridge").build()).getNetwork().getSubnet());
    assertEquals(h.bridge, h.networks.get(GetNetworkRequest.newBuilder().setName("bridge").build()).getNetwork()
        .getBridge());
  }
}
