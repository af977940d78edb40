package dev.berth.tasks.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import berth.network.v1.AttachmentsGrpc;
import berth.network.v1.ContainerFiles;
import berth.network.v1.CreateNetworkRequest;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.Mode;
import berth.network.v1.Network;
import berth.network.v1.NetworksGrpc;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import containerd.services.containers.v1.Container;
import dev.berth.api.network.testing.InMemoryNetworkManager;
import dev.berth.common.testing.InProcessServices;
import dev.berth.network.NetworkServices;
import dev.berth.tasks.spec.OciSpec;
import io.grpc.BindableService;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContainerNetworkingTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SPEC = """
      {"process": {"args": ["sh"]}, "hostname": "image",
       "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"}],
       "linux": {"namespaces": [{"type": "pid"}, {"type": "network"}, {"type": "uts"}]}}""";

  private static Container container(Map<String, String> labels) {
    return Container.newBuilder().setId("c1").putAllLabels(labels).build();
  }

  private static OciSpec spec(String json) {
    return OciSpec.container("c1", Any.newBuilder().setValue(ByteString.copyFromUtf8(json)).build());
  }

  private static Attachment attachment(Mode mode, String netns) {
    return Attachment.newBuilder().setContainerId("c1").setMode(mode).setNetnsPath(netns).setHostname("web")
        .setFiles(ContainerFiles.newBuilder().setHosts("/s/hosts").setHostname("/s/hostname")
            .setResolvConf("/s/resolv.conf"))
        .build();
  }

  @Test
  void aContainerWithoutTheLabelsAsksForNothing() {
    assertTrue(ContainerNetworking.requested(container(Map.of("other", "x")), "").isEmpty());
  }

  @Test
  void labelsBecomeAnAttachRequestMarkedAsTheTasks() {
    AttachRequest r = ContainerNetworking.requested(container(Map.of(
        "io.berth.network", "appnet", "io.berth.ports", "8080:80, 127.0.0.1:0:53/udp",
        "io.berth.hostname", "web", "io.berth.dns", "192.0.2.1,192.0.2.2",
        "io.berth.add-hosts", "db:10.0.0.5", "io.berth.ip", " 172.30.0.9 ",
        "io.berth.dns-search", "example.com, corp.example")), "example.com").orElseThrow();
    assertEquals("c1", r.getContainerId());
    assertEquals("appnet", r.getNetwork());
    assertEquals(List.of("8080:80", "127.0.0.1:0:53/udp"), r.getPortSpecsList());
    assertEquals("web", r.getHostname());
    assertEquals("example.com", r.getDomainname());
    assertEquals(List.of("192.0.2.1", "192.0.2.2"), r.getDnsServersList());
    assertEquals(List.of("db:10.0.0.5"), r.getExtraHostsList());
    assertEquals("172.30.0.9", r.getIp());
    assertEquals(List.of("example.com", "corp.example"), r.getDnsSearchList());
    assertEquals(Map.of(ContainerNetworking.OWNER_LABEL, ContainerNetworking.OWNER), r.getLabelsMap());
  }

  @Test
  void anyOfTheLabelsAsksForTheDefaultNetworkAndEmptyItemsGoToTheServiceToRefuse() {
    AttachRequest r = ContainerNetworking.requested(container(Map.of("io.berth.ports", "80:80,,")), "").orElseThrow();
    assertEquals("", r.getNetwork());
    assertEquals(List.of("80:80", "", ""), r.getPortSpecsList());
    AttachRequest addressOnly =
        ContainerNetworking.requested(container(Map.of("io.berth.ip", "10.88.0.7")), "").orElseThrow();
    assertEquals("", addressOnly.getNetwork());
    assertEquals("10.88.0.7", addressOnly.getIp());
    AttachRequest ipv6Only = ContainerNetworking.requested(container(Map.of("io.berth.network", "net6",
        "io.berth.ip6", " fd00:db8::42 ")), "").orElseThrow();
    assertEquals("fd00:db8::42", ipv6Only.getIp6());
    assertEquals("", ipv6Only.getIp());
    assertTrue(ContainerNetworking.requested(container(Map.of("io.berth.dns-search", "example.com")), "").isPresent());
  }

  @Test
  void anAttachmentPointsTheSpecAtItsNamespaceHostnameAndFiles() throws Exception {
    OciSpec spec = spec(SPEC);
    ContainerNetworking.configure(spec, attachment(Mode.BRIDGE, "/state/netns/default/c1"), "test");
    JsonNode json = JSON.readTree(spec.toBytes());
    assertEquals("/state/netns/default/c1", json.at("/linux/namespaces/1/path").asText());
    assertEquals("network", json.at("/linux/namespaces/1/type").asText());
    assertEquals("web", json.path("hostname").asText());
    JsonNode hosts = json.at("/mounts/1");
    assertEquals("/etc/hosts", hosts.path("destination").asText());
    assertEquals("/s/hosts", hosts.path("source").asText());
    assertEquals("bind", hosts.path("type").asText());
    assertEquals("[\"rbind\",\"rprivate\",\"rw\"]", hosts.path("options").toString());
    assertEquals("/etc/hostname", json.at("/mounts/2/destination").asText());
    assertEquals("/etc/resolv.conf", json.at("/mounts/3/destination").asText());
  }

  @Test
  void hostModeInOurOwnNamespaceLeavesTheNetworkNamespaceOut() throws Exception {
    OciSpec spec = spec(SPEC);
    ContainerNetworking.configure(spec, attachment(Mode.HOST, "/proc/" + ProcessHandle.current().pid() + "/ns/net"),
        "test");
    JsonNode namespaces = JSON.readTree(spec.toBytes()).at("/linux/namespaces");
    assertEquals("[{\"type\":\"pid\"},{\"type\":\"uts\"}]", namespaces.toString());
  }

  @Test
  void aSpecWithoutANetworkNamespaceGetsOneAndItsOwnMountsWin() throws Exception {
    OciSpec spec = spec("""
        {"process": {"args": ["sh"]}, "hostname": "image",
         "mounts": [{"destination": "/etc/resolv.conf", "type": "bind", "source": "/mine"}],
         "linux": {"namespaces": [{"type": "uts", "path": "/proc/1/ns/uts"}]}}""");
    ContainerNetworking.configure(spec, attachment(Mode.NONE, "/pin"), "test");
    JsonNode json = JSON.readTree(spec.toBytes());
    assertEquals("{\"type\":\"network\",\"path\":\"/pin\"}", json.at("/linux/namespaces/1").toString());
    // a shared UTS namespace cannot take a hostname
    assertEquals("image", json.path("hostname").asText());
    assertEquals("/mine", json.at("/mounts/0/source").asText());
    assertFalse(json.path("mounts").toString().contains("/s/resolv.conf"));
    assertEquals(3, json.path("mounts").size());
  }

  @Test
  void withoutANamespacesServiceOrphansAreLeftForTheNextStart() throws Exception {
    try (InProcessServices network = InProcessServices.start(
        NetworkServices.of(new InMemoryNetworkManager(), (namespace, topic, event) -> { })
            .toArray(BindableService[]::new))) {
      AttachmentsGrpc.newBlockingStub(network.channel()).attach(AttachRequest.newBuilder().setContainerId("ghost")
          .setNetwork("none").putLabels(ContainerNetworking.OWNER_LABEL, ContainerNetworking.OWNER).build());
      new ContainerNetworking(network.channel()).detachOrphans((namespace, id) -> false);
      assertEquals(1, AttachmentsGrpc.newBlockingStub(network.channel())
          .list(ListAttachmentsRequest.getDefaultInstance()).getAttachmentsCount());
    }
  }

  @Test
  void aConnectedNetworksLinksAreHostsEntriesOfItsAttachment() {
    Container record = Container.newBuilder().setId("c1")
        .putLabels("io.berth.connected.api", "ip=,alias=web,host=database:10.90.0.3")
        .putLabels("io.berth.name", "front").build();
    List<AttachRequest> connected = ContainerNetworking.connected(record);
    assertEquals(1, connected.size());
    assertEquals("api", connected.get(0).getNetwork());
    assertEquals(List.of("front", "web"), connected.get(0).getAliasesList());
    assertEquals(List.of("database:10.90.0.3"), connected.get(0).getExtraHostsList());
  }

  @Test
  void aConnectedNetworksIpv6AddressIsAskedFor() {
    Container record = Container.newBuilder().setId("c1")
        .putLabels("io.berth.connected.net6", "ip=,ip6=fd00:db8::42").build();
    AttachRequest connected = ContainerNetworking.connected(record).get(0);
    assertEquals("fd00:db8::42", connected.getIp6());
    assertEquals("", connected.getIp());
  }

  @Test
  void theNetworkDockerElectsGatewayIsAttachedFirstWithThePorts() throws Exception {
    try (InProcessServices network = InProcessServices.start(
        NetworkServices.of(new InMemoryNetworkManager(), (namespace, topic, event) -> { })
            .toArray(BindableService[]::new))) {
      NetworksGrpc.NetworksBlockingStub networks = NetworksGrpc.newBlockingStub(network.channel());
      networks.create(CreateNetworkRequest.newBuilder().setNetwork(Network.newBuilder().setName("zeta")).build());
      networks.create(CreateNetworkRequest.newBuilder()
          .setNetwork(Network.newBuilder().setName("alpha").setEnableIpv6(true)).build());
      networks.create(CreateNetworkRequest.newBuilder()
          .setNetwork(Network.newBuilder().setName("aaa-internal").setInternal(true)).build());
      ContainerNetworking networking = new ContainerNetworking(network.channel());
      AttachRequest zeta = AttachRequest.newBuilder().setContainerId("c1").setNetwork("zeta").setIp("10.1.0.5")
          .addLinkLocalIps("169.254.1.5").addPortSpecs("8080:80").setHostname("web").addAliases("front").addAliases("z")
          .addExtraHosts("foo:1.2.3.4").build();
      AttachRequest alpha = AttachRequest.newBuilder().setContainerId("c1").setNetwork("alpha")
          .addAliases("front").addExtraHosts("db:10.0.0.9").build();
      AttachRequest internal = AttachRequest.newBuilder().setContainerId("c1").setNetwork("aaa-internal").build();

      // dual-stack before IPv4 alone, whatever the order given; the first keeps what is the container's
      List<AttachRequest> ordered = networking.gatewayFirst(zeta, List.of(internal, alpha));
      assertEquals(List.of("alpha", "aaa-internal", "zeta"), ordered.stream().map(AttachRequest::getNetwork).toList());
      assertEquals(List.of("8080:80"), ordered.get(0).getPortSpecsList());
      assertEquals("web", ordered.get(0).getHostname());
      assertEquals(List.of("front"), ordered.get(0).getAliasesList());
      assertEquals("", ordered.get(0).getIp());
      assertEquals("10.1.0.5", ordered.get(2).getIp());
      // link-local addresses are the endpoint's, as its address
      assertEquals(List.of(), ordered.get(0).getLinkLocalIpsList());
      assertEquals(List.of("169.254.1.5"), ordered.get(2).getLinkLocalIpsList());
      assertEquals(List.of("front", "z"), ordered.get(2).getAliasesList());
      assertTrue(ordered.get(2).getPortSpecsList().isEmpty());
      // alpha's links stay with alpha; the container's own --add-host entries are on both
      assertEquals(List.of("foo:1.2.3.4", "db:10.0.0.9"), ordered.get(0).getExtraHostsList());
      assertEquals(List.of("foo:1.2.3.4"), ordered.get(2).getExtraHostsList());

      // an internal network never wins; among the rest, the name decides
      assertEquals(List.of("zeta", "aaa-internal"), networking.gatewayFirst(internal.toBuilder().addPortSpecs("80:80")
          .build(), List.of(zeta.toBuilder().clearPortSpecs().build())).stream().map(AttachRequest::getNetwork).toList());
      assertEquals(List.of(zeta), networking.gatewayFirst(zeta, List.of()));
      // no network named is bridge, which aaa comes before, as connect ranks it
      networks.create(CreateNetworkRequest.newBuilder().setNetwork(Network.newBuilder().setName("aaa")).build());
      AttachRequest unnamed = AttachRequest.newBuilder().setContainerId("c2").build();
      AttachRequest aaa = AttachRequest.newBuilder().setContainerId("c2").setNetwork("aaa").build();
      assertEquals(List.of("aaa", ""), networking.gatewayFirst(unnamed, List.of(aaa)).stream()
          .map(AttachRequest::getNetwork).toList());
    }
  }
}
