package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import berth.network.v1.AttachRequest;
import berth.network.v1.Attachment;
import berth.network.v1.DetachRequest;
import berth.network.v1.GetAttachmentRequest;
import berth.network.v1.GetNetworkRequest;
import berth.network.v1.ListAttachmentsRequest;
import berth.network.v1.ListNetworksRequest;
import berth.network.v1.Network;
import berth.network.v1.PortMapping;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * berthctl network and port against the real network service on a Unix socket, on the kernel (as
 * root) inside a network namespace of the test's own.
 */
class NetworkCommandsOverUnixSocketTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern MAC = Pattern.compile("link/ether (\\S+)");

  @RegisterExtension
  final NetworkOnSocket net = new NetworkOnSocket();

  @Test
  void createListInspectAndRemoveNetworks() throws Exception {
    String device = net.uniqueName("w");
    Cli.Result create = net.ctl("network", "create", "web", "--subnet", "10.201.0.0/24", "--gateway", "10.201.0.254",
        "--bridge", device, "--label", "team=web", "--opt", "mtu=1400", "--ip-masquerade=false");
    assertEquals(0, create.exit(), create::toString);
    assertTrue(create.out().matches("[0-9a-f]{64}\n"), "docker's whole id: " + create.out());
    assertEquals(0, net.ctl("network", "create", "backend", "--internal").exit());

    Network web = network("web");
    assertEquals(1400, web.getMtu());
    assertFalse(web.getIpMasquerade());
    assertEquals("web", web.getLabelsMap().get("team"));
    Network backend = network("backend");
    assertTrue(backend.getInternal() && backend.getIpMasquerade());
    Network bridge = network("bridge");
    assertEquals(create.out().strip(), web.getId());

    Cli.Result table = net.ctl("network", "ls");
    assertEquals(0, table.exit(), table::toString);
    assertEquals(List.of(
        List.of("NETWORK ID", "NAME", "DRIVER", "SCOPE"),
        List.of(backend.getId().substring(0, 12), "backend", "bridge", "local"),
        List.of(bridge.getId().substring(0, 12), "bridge", "bridge", "local"),
        List.of(web.getId().substring(0, 12), "web", "bridge", "local")),
        table.out().lines().map(l -> List.of(l.split("\\s{2,}"))).toList(), table::toString);
    assertEquals(backend.getId().substring(0, 12) + "\n" + bridge.getId().substring(0, 12) + "\n"
        + web.getId().substring(0, 12) + "\n", net.ctl("network", "ls", "-q").out());
    assertEquals(web.getId() + "\n", net.ctl("network", "ls", "-q", "--no-trunc", "name==web").out());
    assertEquals("backend\n", names("internal==true"));
    assertEquals("web\n", names("labels.team==web"));
    // docker's filters too
    assertEquals("backend\nweb\n", names("--filter", "type=custom"));
    assertEquals("web\n", names("-f", "label=team=web", "-f", "name=we"));
    assertEquals("", names("-f", "label=team=web", "-f", "label=team=db"), "as Docker's, every label must match");
    assertEquals("backend\nweb\n", names("-f", "name=web", "-f", "name=backend"), "names are alternatives");
    // as Docker's, name= is a regular expression: scripts ask for one network with ^NAME$
    assertEquals("web\n", names("-f", "name=^web$"));
    assertEquals("", names("-f", "name=^we$"));
    assertEquals("backend\nbridge\n", names("-f", "name=^b"));
    assertEquals("bridge\n", names("--filter", "type=builtin"));
    assertEquals("web\n", names("--filter", "id=" + web.getId().substring(0, 6)));
    assertEquals("web\n", names("--filter", "id=" + web.getId().substring(20, 40)), "as Docker's: part of the id");
    // every network here is this host's alone
    assertEquals("backend\nbridge\nweb\n", names("--filter", "scope=local"));
    assertEquals("", names("--filter", "scope=swarm"));
    // as Docker's daemon: a scope it does not know matches nothing, a type it does not know is refused
    assertEquals("", names("--filter", "scope=planet"));
    Cli.Result badType = net.ctl("network", "ls", "-f", "type=foo");
    assertEquals(1, badType.exit(), badType::toString);
    assertEquals("Error response from daemon: invalid filter: 'type'='foo'\n", badType.stderr());

    // docker's --format json: an object a line, with Berth's bridge fields beside docker's
    List<String> rows = net.ctl("network", "ls", "--format", "json").out().lines().toList();
    assertEquals(3, rows.size(), rows::toString);
    JsonNode row = JSON.readTree(rows.get(2));
    assertEquals("web", row.get("Name").asText());
    assertEquals("10.201.0.0/24", row.get("Subnet").asText());
    assertEquals("10.201.0.254", row.get("Gateway").asText());
    assertEquals(device, row.get("Bridge").asText());
    assertEquals("false", row.get("Internal").asText());
    assertEquals("true", row.get("IPv4").asText(), "Docker 28's field: every Berth network has IPv4");
    assertEquals("false", row.get("IPv6").asText());
    assertEquals("team=web", row.get("Labels").asText());
    assertEquals("true", JSON.readTree(rows.get(0)).get("Internal").asText());
    assertEquals("backend " + backend.getSubnet() + "\nbridge " + bridge.getSubnet() + "\nweb 10.201.0.0/24\n",
        net.ctl("network", "ls", "--format", "{{.Name}} {{.Subnet}}").out());
    Cli.Result unknownField = net.ctl("network", "ls", "--format", "{{.Nope}}");
    assertEquals(1, unknownField.exit(), unknownField::toString);
    assertEquals("template parsing error: template: :1:2: executing \"\" at <.Nope>: can't evaluate field Nope in type "
        + "*network.networkContext\n", unknownField.stderr(), "Docker's words, naming the row's Go type");

    assertEquals("{\"Driver\":\"default\",\"Options\":{},\"Config\":[{\"Subnet\":\"10.201.0.0/24\","
        + "\"Gateway\":\"10.201.0.254\"}]}\n", net.ctl("network", "inspect", "-f", "{{json .IPAM}}", "web").out(),
        "in Docker's order");
    // Docker's default IPAM driver takes any option, which inspect shows as given, sorted by key
    assertEquals(0, net.ctl("network", "create", "--ipam-opt", "com.docker.network.ipam.serial=true",
        "--ipam-opt", "a=b=c", "withipamopts").exit());
    assertEquals("{\"a\":\"b=c\",\"com.docker.network.ipam.serial\":\"true\"}\n",
        net.ctl("network", "inspect", "-f", "{{json .IPAM.Options}}", "withipamopts").out());
    assertEquals(0, net.ctl("network", "rm", "withipamopts").exit());
    // Docker's CLI reads --ipam-opt as a MapOpts: a key without '=' is an empty value, not an error
    Cli.Result bare = net.ctl("network", "create", "--ipam-opt", "bad", "withbareipamopt");
    assertEquals(0, bare.exit(), bare::toString);
    assertEquals("{\"bad\":\"\"}\n", net.ctl("network", "inspect", "-f", "{{json .IPAM.Options}}", "withbareipamopt").out());
    assertEquals(0, net.ctl("network", "rm", "withbareipamopt").exit());
    // Docker's daemon makes its default bridge with no IPAM options (null); a network its CLI
    // creates has a map, empty without --ipam-opt (web's above)
    assertEquals("null\n", net.ctl("network", "inspect", "-f", "{{json .IPAM.Options}}", "bridge").out());
    Cli.Result inspect = net.ctl("network", "inspect", "web", "backend");
    assertEquals(0, inspect.exit(), inspect::toString);
    JsonNode shown = JSON.readTree(inspect.stdout());
    assertEquals(2, shown.size());
    JsonNode w = shown.get(0);
    assertEquals("web", w.get("Name").asText());
    assertEquals("bridge", w.get("Driver").asText());
    assertEquals("10.201.0.0/24", w.get("Subnet").asText());
    assertEquals("10.201.0.254", w.get("Gateway").asText());
    assertEquals(device, w.get("Bridge").asText());
    assertFalse(w.get("Internal").asBoolean());
    assertFalse(w.get("IPMasquerade").asBoolean());
    assertEquals("1400", w.get("Options").get("com.docker.network.driver.mtu").asText());
    assertEquals(device, w.get("Options").get("com.docker.network.bridge.name").asText());
    assertEquals("false", w.get("Options").get("com.docker.network.bridge.enable_ip_masquerade").asText());
    assertEquals("true", w.get("Options").get("com.docker.network.bridge.enable_icc").asText());
    assertEquals("web", w.get("Labels").get("team").asText());
    assertTrue(w.get("Containers").isObject() && w.get("Containers").isEmpty(), w.toString());
    assertEquals("backend", shown.get(1).get("Name").asText());
    assertTrue(shown.get(1).get("Internal").asBoolean());
    assertEquals("10.201.0.0/24 10.201.0.254\n", net.ctl("network", "inspect", "-f",
        "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}{{end}}", "web").out(), "docker's template for a subnet");
    assertEquals("web:false\nbackend:true\n", net.ctl("network", "inspect", "--format", "{{.Name}}:{{.Internal}}",
        "web", "backend").out());
    // as Docker: a network is named by its id or a prefix of it too
    assertEquals(web.getId() + "\n", net.ctl("network", "inspect", "-f", "{{.Id}}", web.getId().substring(0, 8)).out());

    Cli.Result rm = net.ctl("network", "rm", "web", "backend");
    assertEquals(0, rm.exit(), rm::toString);
    assertEquals("web\nbackend\n", rm.out());
    assertEquals("bridge\n", names());
    assertEquals(1, net.networks().list(ListNetworksRequest.getDefaultInstance()).getNetworksCount());
  }

  @Test
  void inspectShowsDockersFieldsInItsOrderThenBerthsWithEveryPool() throws Exception {
    Cli.Result create = net.ctl("network", "create", "--subnet", "10.222.0.0/24", "--subnet", "10.223.0.0/24",
        "--gateway", "10.223.0.254", "--ipv6", "--subnet", "fd00:222::/64", "pools");
    assertEquals(0, create.exit(), create::toString);
    JsonNode shown = JSON.readTree(net.ctl("network", "inspect", "pools").stdout()).get(0);
    List<String> keys = new ArrayList<>();
    shown.fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("Name", "Id", "Created", "Scope", "Driver", "EnableIPv6", "IPAM", "Internal", "Attachable",
        "Ingress", "ConfigFrom", "ConfigOnly", "Containers", "Options", "Labels",
        "Subnet", "Gateway", "Bridge", "IPMasquerade", "Default"), keys, "Docker 27's fields first, in its order");
    assertEquals("10.222.0.0/24,10.223.0.0/24", shown.get("Subnet").asText(), "every IPv4 pool's, not the first's");
    assertEquals("10.222.0.1,10.223.0.254", shown.get("Gateway").asText());
    assertEquals("10.222.0.0/24,10.223.0.0/24 10.222.0.1,10.223.0.254\n",
        net.ctl("network", "inspect", "-f", "{{.Subnet}} {{.Gateway}}", "pools").out(), "as network ls shows them");
    assertEquals(net.ctl("network", "ls", "--format", "{{.Subnet}} {{.Gateway}}", "-f", "name=^pools$").out(),
        net.ctl("network", "inspect", "-f", "{{.Subnet}} {{.Gateway}}", "pools").out());
    assertEquals("10.222.0.0/24 10.222.0.1\n10.223.0.0/24 10.223.0.254\nfd00:222::/64 fd00:222::1\n\n",
        net.ctl("network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}} {{.Gateway}}\n{{end}}", "pools").out(),
        "one IPAM.Config entry per pool, the IPv4 ones first");
    assertEquals(0, net.ctl("network", "rm", "pools").exit());
  }

  @Test
  void dockersBridgeOptionsIpRangeAndAttachableAreTaken() throws Exception {
    String device = net.uniqueName("o");
    Cli.Result create = net.ctl("network", "create", "opts", "--ipv6=false", "-o", "com.docker.network.driver.mtu=1400",
        "-o", "com.docker.network.bridge.name=" + device, "-o", "com.docker.network.bridge.enable_ip_masquerade=false",
        "-o", "com.docker.network.bridge.enable_icc=false", "--subnet", "10.213.0.0/16", "--ip-range", "10.213.5.0/24",
        "--attachable");
    assertEquals(0, create.exit(), create::toString);
    Network opts = network("opts");
    assertEquals(1400, opts.getMtu());
    assertEquals(device, opts.getBridge());
    assertFalse(opts.getIpMasquerade());
    assertFalse(opts.getIcc());
    assertEquals("10.213.5.0/24", opts.getIpRange());
    // the gateway is the range's first address, as Docker's allocator takes it from the range
    assertEquals("10.213.0.0/16 10.213.5.0/24 10.213.5.0\n", net.ctl("network", "inspect", "-f",
        "{{range .IPAM.Config}}{{.Subnet}} {{.IPRange}} {{.Gateway}}{{end}}", "opts").out());
    assertEquals("false\n", net.ctl("network", "inspect", "-f",
        "{{index .Options \"com.docker.network.bridge.enable_icc\"}}", "opts").out());
    // Docker's swarm and config-only fields, as Docker shows them for a local bridge
    Cli.Result swarmFields = net.ctl("network", "inspect", "-f",
        "{{.Attachable}} {{.Ingress}} {{.ConfigOnly}} [{{.ConfigFrom.Network}}]", "opts");
    assertEquals("false false false []\n", swarmFields.out(), swarmFields::toString);
    assertEquals(0, net.ctl("network", "rm", "opts").exit());
  }

  @Test
  void networkErrorsAreOneLineAndChangeNothing() throws Exception {
    assertEquals(0, net.ctl("network", "create", "a", "--subnet", "10.210.0.0/16").exit());

    Cli.Result overlap = net.ctl("network", "create", "b", "--subnet", "10.210.5.0/24");
    assertEquals(1, overlap.exit(), overlap::toString);
    assertEquals("Error response from daemon: invalid pool request: Pool overlaps with other one on this address "
        + "space (subnet 10.210.5.0/24 overlaps subnet 10.210.0.0/16 of network a)\n", overlap.stderr(),
        "Docker's daemon's words first");
    assertEquals("", overlap.out());

    Cli.Result duplicate = net.ctl("network", "create", "a");
    assertEquals(1, duplicate.exit(), duplicate::toString);
    assertEquals("Error response from daemon: network with name a already exists\n", duplicate.stderr(),
        "Docker's daemon's words");

    Cli.Result badSubnet = net.ctl("network", "create", "c", "--subnet", "10.300.0.0/16");
    assertEquals(1, badSubnet.exit(), badSubnet::toString);
    assertOneErrorLine(badSubnet, "10.300.0.0");

    Cli.Result unknownOption = net.ctl("network", "create", "c", "--opt", "color=red");
    assertEquals(125, unknownOption.exit(), unknownOption::toString);
    assertTrue(unknownOption.stderr().contains("unknown network option color"), unknownOption::toString);
    Cli.Result unhonoured = net.ctl("network", "create", "c", "-o", "com.docker.network.bridge.host_binding_ipv4=0.0.0.0");
    assertEquals(125, unhonoured.exit(), unhonoured::toString);
    assertTrue(unhonoured.stderr().contains("unknown network option com.docker.network.bridge.host_binding_ipv4"),
        unhonoured::toString);
    Cli.Result rangeAlone = net.ctl("network", "create", "c", "--ip-range", "10.211.0.0/24");
    assertEquals(1, rangeAlone.exit(), rangeAlone::toString);
    assertEquals("every ip-range or gateway must have a corresponding subnet\n", rangeAlone.stderr());
    Cli.Result gatewayAlone = net.ctl("network", "create", "c", "--gateway", "10.211.0.1");
    assertEquals(1, gatewayAlone.exit(), gatewayAlone::toString);
    assertEquals("every ip-range or gateway must have a corresponding subnet\n", gatewayAlone.stderr(),
        "as Docker's CLI, not a gateway outside a subnet berthd picked");
    Cli.Result ipv6 = net.ctl("network", "create", "c", "--subnet", "fd00:db8:5::/64");
    assertEquals(1, ipv6.exit(), ipv6::toString);
    assertOneErrorLine(ipv6, "IPv6 subnet fd00:db8:5::/64 given without --ipv6");
    // Docker's CLI's words, as it groups each range and gateway with the subnet that holds it
    Cli.Result overlapping = net.ctl("network", "create", "c", "--subnet", "10.211.0.0/24", "--subnet",
        "10.211.0.0/16");
    assertEquals(1, overlapping.exit(), overlapping::toString);
    assertEquals("multiple overlapping subnet configuration is not supported\n", overlapping.stderr());
    Cli.Result twoRanges = net.ctl("network", "create", "c", "--subnet", "10.211.0.0/24", "--subnet", "10.212.0.0/24",
        "--ip-range", "10.211.0.0/25", "--ip-range", "10.211.0.128/25");
    assertEquals("cannot configure multiple ranges (10.211.0.128/25, 10.211.0.0/25) on the same subnet "
        + "(10.211.0.0/24)\n", twoRanges.stderr());
    Cli.Result twoGateways = net.ctl("network", "create", "c", "--subnet", "10.211.0.0/24", "--subnet",
        "10.212.0.0/24", "--gateway", "10.211.0.1", "--gateway", "10.211.0.2");
    assertEquals("cannot configure multiple gateways (10.211.0.2, 10.211.0.1) for the same subnet "
        + "(10.211.0.0/24)\n", twoGateways.stderr());
    Cli.Result noSubnetOfThree = net.ctl("network", "create", "c", "--subnet", "10.211.0.0/24", "--subnet",
        "10.212.0.0/24", "--gateway", "10.213.0.1");
    assertEquals("no matching subnet for gateway 10.213.0.1\n", noSubnetOfThree.stderr());
    Cli.Result outside = net.ctl("network", "create", "c", "--subnet", "10.211.0.0/24", "--ip-range", "10.212.0.0/24");
    assertEquals(1, outside.exit(), outside::toString);
    assertEquals("no matching subnet for range 10.212.0.0/24\n", outside.stderr(), "Docker's CLI's words");
    Cli.Result disagree = net.ctl("network", "create", "c", "--ip-masquerade=false", "-o",
        "com.docker.network.bridge.enable_ip_masquerade=true");
    assertEquals(125, disagree.exit(), disagree::toString);
    assertEquals(125, net.ctl("network", "create", "c", "-o", "mtu=big").exit());
    assertEquals(0, net.ctl("network").exit(), "alone, a group of commands shows its usage");
    assertEquals("a\nbridge\n", names(), "nothing was created by the failures");

    Cli.Result absent = net.ctl("network", "rm", "nosuch");
    assertEquals(1, absent.exit());
    assertEquals("Error response from daemon: network nosuch not found\n", absent.stderr());
    Cli.Result forced = net.ctl("network", "rm", "-f", "nosuch");
    assertEquals(0, forced.exit(), forced::toString);
    assertEquals("", forced.out() + forced.stderr());

    Cli.Result removeDefault = net.ctl("network", "rm", "bridge");
    assertEquals(1, removeDefault.exit(), removeDefault::toString);
    assertEquals("Error response from daemon: bridge is a pre-defined network and cannot be removed\n",
        removeDefault.stderr());

    Cli.Result inspect = net.ctl("network", "inspect", "a", "nosuch");
    assertEquals(1, inspect.exit(), inspect::toString);
    assertEquals("Error response from daemon: network nosuch not found\n", inspect.stderr());
    JsonNode shown = JSON.readTree(inspect.stdout());
    assertEquals(1, shown.size());
    assertEquals("10.210.0.0/16", shown.get(0).get("Subnet").asText());
  }

  @Test
  void connectAndDisconnectContainers() throws Exception {
    assertEquals(0, net.ctl("network", "create", "web", "--subnet", "10.202.0.0/24").exit());

    // a container without a network namespace yet: the service creates and pins one
    Cli.Result connect = net.ctl("network", "connect", "web", "c1", "--ip", "10.202.0.7", "--alias", "api");
    assertEquals(0, connect.exit(), connect::toString);
    assertEquals("", connect.out());
    Attachment c1 = attachment("c1", "web");
    assertTrue(c1.getNetnsPinned());
    assertEquals(List.of("api"), c1.getAliasesList());
    Path c1Netns = Path.of(c1.getNetnsPath());
    assertTrue(NetworkOnSocket.in(c1Netns, "ip", "-o", "-4", "addr", "show", "dev", "eth0").contains("10.202.0.7/24"));
    String c1Mac = mac(c1Netns, "eth0");
    Cli.Result outside = net.ctl("network", "connect", "--ip", "10.99.0.5", "web", "c9");
    assertEquals(1, outside.exit(), outside::toString);
    assertEquals("Error response from daemon: invalid endpoint settings:\n"
        + "no configured subnet or ip-range contain the IP address 10.99.0.5\n", outside.stderr(), "Docker's words");

    // a container that has a namespace already (on the default network): connecting adds eth1 there
    Path c2Netns = net.addNetns("c2");
    net.attachments().attach(AttachRequest.newBuilder().setContainerId("c2").setNetwork("bridge")
        .setNetnsPath(c2Netns.toString()).build());
    assertEquals(0, net.ctl("network", "connect", "web", "c2").exit());
    Attachment c2 = attachment("c2", "web");
    assertEquals(c2Netns.toString(), c2.getNetnsPath());
    assertFalse(c2.getNetnsPinned());
    assertEquals("eth1", c2.getInterfaceName());
    String c2Address = NetworkOnSocket.in(c2Netns, "ip", "-o", "-4", "addr", "show", "dev", "eth1");
    assertTrue(c2Address.contains(" 10.202.0."), c2Address);

    JsonNode containers = JSON.readTree(net.ctl("network", "inspect", "web").stdout()).get(0).get("Containers");
    assertEquals(2, containers.size(), containers.toString());
    assertEquals("10.202.0.7/24", containers.get("c1").get("IPv4Address").asText());
    assertEquals("c1", containers.get("c1").get("Name").asText(), "without container records, the id");
    assertEquals(c1Mac, containers.get("c1").get("MacAddress").asText());
    assertEquals(mac(c2Netns, "eth1"), containers.get("c2").get("MacAddress").asText());
    assertTrue(c2Address.contains(" " + containers.get("c2").get("IPv4Address").asText() + " "), c2Address);

    Cli.Result busy = net.ctl("network", "rm", "web");
    assertEquals(1, busy.exit(), busy::toString);
    // Docker's daemon's words, naming the network by its id too
    String webId = net.ctl("network", "inspect", "-f", "{{.Id}}", "web").out().strip();
    assertEquals("Error response from daemon: error while removing network: network web id " + webId
        + " has active endpoints\n", busy.stderr());

    assertEquals(0, net.ctl("network", "disconnect", "web", "c2").exit());
    String c2Links = NetworkOnSocket.in(c2Netns, "ip", "-o", "link", "show");
    assertFalse(c2Links.contains("eth1"), c2Links);
    assertTrue(c2Links.contains("eth0"), "the default network's interface stays: " + c2Links);

    Cli.Result disconnect = net.ctl("network", "disconnect", "web", "c1");
    assertEquals(0, disconnect.exit(), disconnect::toString);
    assertEquals("", disconnect.out());
    assertEquals(List.of(), net.pins(), "the namespace the service created went with the last attachment");
    assertEquals(List.of("c2"), net.attachments().list(ListAttachmentsRequest.getDefaultInstance())
        .getAttachmentsList().stream().map(Attachment::getContainerId).toList());

    Cli.Result again = net.ctl("network", "disconnect", "web", "c1");
    assertEquals(1, again.exit(), again::toString);
    assertEquals("Error response from daemon: container c1 is not attached to web\n", again.stderr());
    assertEquals("Error response from daemon: network nosuch not found\n", net.ctl("network", "disconnect", "nosuch", "c1").stderr());
    Cli.Result unknownNetwork = net.ctl("network", "connect", "nosuch", "c1");
    assertEquals(1, unknownNetwork.exit(), unknownNetwork::toString);
    assertEquals("Error response from daemon: network nosuch not found\n", unknownNetwork.stderr(), "Docker's words");

    net.attachments().detach(DetachRequest.newBuilder().setContainerId("c2").build());
    assertEquals(0, net.ctl("network", "rm", "web").exit());
  }

  @Test
  void danglingListsTheNetworksNoContainerIsAttachedToAsDockerDoes() {
    assertEquals(0, net.ctl("network", "create", "used", "--subnet", "10.203.0.0/24").exit());
    assertEquals(0, net.ctl("network", "create", "idle").exit());
    net.attachments().attach(AttachRequest.newBuilder().setContainerId("d1").setNetwork("used").build());
    try {
      assertEquals("idle\n", names("-f", "dangling=true"), "never the default bridge, as Docker's predefined ones");
      assertEquals("idle\n", names("-f", "dangling=1"));
      assertEquals("bridge\nused\n", names("-f", "dangling=false"));
      assertEquals("used\n", names("-f", "dangling=0", "-f", "type=custom"));
      Cli.Result twice = net.ctl("network", "ls", "-f", "dangling=true", "-f", "dangling=false");
      assertEquals(1, twice.exit(), twice::toString);
      assertEquals("Error response from daemon: got more than one value for filter key \"dangling\"\n", twice.stderr());
      Cli.Result invalid = net.ctl("network", "ls", "-f", "dangling=yes");
      assertEquals(1, invalid.exit(), invalid::toString);
      assertEquals("Error response from daemon: invalid value for filter 'dangling', must be \"true\" (or \"1\"), "
          + "or \"false\" (or \"0\")\n", invalid.stderr());
    } finally {
      net.attachments().detach(DetachRequest.newBuilder().setContainerId("d1").build());
    }
    assertEquals("idle\nused\n", names("-f", "dangling=true"), "detached, it dangles");
  }

  @Test
  void portListsPublishedPortsAsDockerDoes() {
    Attachment web = net.attachments().attach(AttachRequest.newBuilder().setContainerId("c3")
        .addPortSpecs("18080:80").addPortSpecs("127.0.0.1:0:53/udp").build()).getAttachment();
    int dnsPort = web.getPortMappingsList().stream().filter(p -> p.getProtocol().equals("udp"))
        .mapToInt(PortMapping::getHostPort).findFirst().orElseThrow();
    assertTrue(dnsPort > 0, "the service picked a host port");

    Cli.Result all = net.ctl("port", "c3");
    assertEquals(0, all.exit(), all::toString);
    assertEquals("53/udp -> 127.0.0.1:" + dnsPort + "\n80/tcp -> 0.0.0.0:18080\n", all.out());
    assertEquals("0.0.0.0:18080\n", net.ctl("port", "c3", "80").out());
    assertEquals("0.0.0.0:18080\n", net.ctl("port", "c3", "80/tcp").out());
    assertEquals("127.0.0.1:" + dnsPort + "\n", net.ctl("port", "c3", "53/udp").out());

    Cli.Result unpublished = net.ctl("port", "c3", "53");
    assertEquals(1, unpublished.exit(), unpublished::toString);
    assertEquals("Error: No public port '53' published for c3\n", unpublished.stderr(), "the port as given, as Docker's");
    Cli.Result sctp = net.ctl("port", "c3", "80/sctp");
    assertEquals(1, sctp.exit(), sctp::toString);
    assertEquals("Error: No public port '80/sctp' published for c3\n", sctp.stderr());
    Cli.Result invalid = net.ctl("port", "c3", "http");
    assertEquals(1, invalid.exit(), invalid::toString);
    assertEquals("Error: invalid port (http): strconv.ParseUint: parsing \"http\": invalid syntax\n", invalid.stderr());
    assertEquals("Error: invalid port (70000): strconv.ParseUint: parsing \"70000\": value out of range\n",
        net.ctl("port", "c3", "70000/udp").stderr());

    assertEquals(0, net.ctl("network", "connect", "bridge", "c4").exit());
    Cli.Result none = net.ctl("port", "c4");
    assertEquals(0, none.exit(), none::toString);
    assertEquals("", none.out());

    net.attachments().detach(DetachRequest.newBuilder().setContainerId("c3").build());
    net.attachments().detach(DetachRequest.newBuilder().setContainerId("c4").build());
    assertEquals("", net.ctl("port", "c3").out());
  }

  private Network network(String name) {
    return net.networks().get(GetNetworkRequest.newBuilder().setName(name).build()).getNetwork();
  }

  private Attachment attachment(String container, String network) {
    return net.attachments().get(GetAttachmentRequest.newBuilder().setContainerId(container).setNetwork(network)
        .build()).getAttachment();
  }

  private static String mac(Path netns, String device) {
    String link = NetworkOnSocket.in(netns, "ip", "-o", "link", "show", "dev", device);
    Matcher m = MAC.matcher(link);
    assertTrue(m.find(), link);
    return m.group(1);
  }

  private static void assertOneErrorLine(Cli.Result r, String containing) {
    assertTrue(!r.stderr().startsWith("Error: ") && r.stderr().contains(containing), r::toString);
    assertEquals(1, r.stderr().lines().count(), r::toString);
  }

  /** The names {@code network ls} lists with {@code args}, a line each. */
  @Test
  void pruneRefusesATimeItCannotReadInDockersWords() {
    Cli.Result bogus = net.ctl("network", "prune", "-f", "--filter", "until=bogus");
    assertEquals(1, bogus.exit(), bogus::toString);
    assertEquals("Error response from daemon: failed to parse value as time or duration: \"bogus\"\n",
        bogus.stderr());
  }

  @Test
  void createTakesDockersIpamAndScopeFlagsAndRefusesWhatNeedsASwarmInItsWords() throws Exception {
    Cli.Result local = net.ctl("network", "create", "--ipam-driver", "default", "--scope", "local", "plain");
    assertEquals(0, local.exit(), local::toString);
    assertEquals("plain", network("plain").getName());

    refused("no matching subnet for gateway 10.2.0.1\n",
        "network", "create", "--subnet", "10.1.0.0/24", "--gateway", "10.2.0.1", "n");
    refused("no matching subnet for range 10.2.0.0/25\n",
        "network", "create", "--subnet", "10.1.0.0/24", "--ip-range", "10.2.0.0/25", "n");
    refused("Error response from daemon: plugin \"foo\" not found\n", "network", "create", "--ipam-driver", "foo", "n");
    refused("Error response from daemon: plugin \"foo\" not found\n", "network", "create", "-d", "foo", "n");
    refused("Error response from daemon: only one instance of \"host\" network is allowed\n",
        "network", "create", "--driver", "host", "n");
    refused("Error response from daemon: cannot create a swarm scoped network when swarm is not active\n",
        "network", "create", "--scope", "swarm", "n");
    refused("Error response from daemon: Ingress network can only be global scope network\n",
        "network", "create", "--ingress", "n");
    refused("Error response from daemon: configuration network \"conf\" not found\n",
        "network", "create", "--config-from", "conf", "n");
    refused("Error response from daemon: operation is not permitted on predefined bridge network \n",
        "network", "create", "bridge");
    refused("Error response from daemon: operation is not permitted on predefined host network \n",
        "network", "create", "host");
    refused("no matching subnet for aux-address 10.2.0.5\n",
        "network", "create", "--subnet", "10.1.0.0/24", "--aux-address", "a=10.2.0.5", "n");
    refused("no matching subnet for aux-address 10.2.0.5\n", "network", "create", "--aux-address", "a=10.2.0.5", "n");
    // as Docker's CLI, where what is no address matches no subnet, and a range that is no CIDR is Go's error
    refused("no matching subnet for aux-address nope\n",
        "network", "create", "--subnet", "10.1.0.0/24", "--aux-address", "a=nope", "n");
    refused("no matching subnet for gateway nope\n", "network", "create", "--subnet", "10.1.0.0/24", "--gateway",
        "nope", "n");
    refused("Error response from daemon: invalid network config:\ninvalid ip-range 10.1.0.5/25: it should be "
        + "10.1.0.0/25\n", "network", "create", "--subnet", "10.1.0.0/24", "--ip-range", "10.1.0.5/25", "n");
    refused("invalid CIDR address: 10.1.0.0/99\n",
        "network", "create", "--subnet", "10.1.0.0/24", "--ip-range", "10.1.0.0/99", "n");
    // a range of the subnet's own addresses alone leaves the gateway none, in Docker's daemon's words
    String noGateway = "Error response from daemon: failed to allocate gateway (): no available addresses on this pool\n";
    refused(noGateway, "network", "create", "--subnet", "10.1.0.0/24", "--ip-range", "10.1.0.0/32", "n");
    refused(noGateway, "network", "create", "--subnet", "10.1.0.0/24", "--ip-range", "10.1.0.255/32", "n");
    refused(noGateway, "network", "create", "--ipv6", "--subnet", "fd00:47::/64", "--ip-range", "fd00:47::/128", "n");
    Cli.Result configOnly = net.ctl("network", "create", "--subnet", "10.1.0.0/24", "--config-only", "n");
    assertEquals(1, configOnly.exit(), configOnly::toString);
    assertTrue(configOnly.stderr().startsWith("--config-only is not supported: "), configOnly::toString);
    assertEquals(List.of("bridge", "plain"), net.ctl("network", "ls", "--format", "{{.Name}}").out().lines().toList(),
        "nothing made by a refused create");
  }

  private void refused(String stderr, String... args) {
    Cli.Result r = net.ctl(args);
    assertEquals(1, r.exit(), r::toString);
    assertEquals(stderr, r.stderr());
  }

  private String names(String... args) {
    List<String> command = new java.util.ArrayList<>(List.of("network", "ls", "--format", "{{.Name}}"));
    command.addAll(List.of(args));
    return net.ctl(command.toArray(String[]::new)).out();
  }
}
