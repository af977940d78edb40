package dev.berth.ctl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** `network create --ipv6` as Docker users type it, with busybox containers on the kernel. */
class Ipv6NetworkKernelTest extends BerthdKernelTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void containersOnAnIpv6NetworkPingEachOtherByAddressAndName() throws Exception {
    try {
      ok("network", "create", "--ipv6", "--subnet", "10.233.0.0/24", "--subnet", "fd00:db8:7::/64", "net6");
      JsonNode net = JSON.readTree(ok("network", "inspect", "net6").stdout()).get(0);
      assertTrue(net.get("EnableIPv6").asBoolean(), net::toString);
      assertEquals("{\"Subnet\":\"fd00:db8:7::/64\",\"Gateway\":\"fd00:db8:7::1\"}",
          net.get("IPAM").get("Config").get(1).toString());
      assertEquals("true\n", ok("network", "ls", "--filter", "name=net6", "--format", "{{.IPv6}}").out());

      ok("run", "-d", "--name", "one", "--network", "net6", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "two", "--network", "net6", "busybox", "sleep", "1000");
      JsonNode settings = JSON.readTree(ok("inspect", "two").stdout()).get(0).get("NetworkSettings");
      JsonNode endpoint = settings.get("Networks").get("net6");
      assertEquals("fd00:db8:7::3", endpoint.get("GlobalIPv6Address").asText(), endpoint::toString);
      assertEquals(64, endpoint.get("GlobalIPv6PrefixLen").asInt());
      assertEquals("fd00:db8:7::1", endpoint.get("IPv6Gateway").asText());
      assertEquals("", settings.get("GlobalIPv6Address").asText(), "the default bridge's alone, as Docker 27's");

      String addresses = ok("exec", "two", "ip", "-6", "addr").out();
      assertTrue(addresses.contains("inet6 fd00:db8:7::3/64"), addresses);
      String ping = ok("exec", "two", "ping", "-6", "-c", "1", "-W", "2", "fd00:db8:7::2").out();
      assertTrue(ping.contains("1 packets received"), ping);
      // by name through /etc/hosts, where the peer has both addresses
      String hosts = ok("exec", "two", "cat", "/etc/hosts").out();
      assertTrue(hosts.matches("(?s).*\nfd00:db8:7::2\t[0-9a-f]{64} [0-9a-f]{12} one\n.*"), hosts);
      ping = ok("exec", "two", "ping", "-6", "-c", "1", "-W", "2", "one").out();
      assertTrue(ping.contains("1 packets received"), ping);
      JsonNode members = JSON.readTree(ok("network", "inspect", "net6").stdout()).get(0).get("Containers");
      assertTrue(members.toString().contains("\"IPv6Address\":\"fd00:db8:7::2/64\""), members::toString);

      // two IPv6 subnets, as Docker's: a container of the second (--ip6) routes through its gateway
      ok("network", "create", "--ipv6", "--subnet", "fd00:db8:8::/64", "--subnet", "fd00:db8:9::/64", "--gateway",
          "fd00:db8:9::99", "two6");
      JsonNode configs = JSON.readTree(ok("network", "inspect", "two6").stdout()).get(0).get("IPAM").get("Config");
      assertEquals(3, configs.size(), "the IPv4 subnet berthd chose, then the IPv6 ones: " + configs);
      assertEquals("{\"Subnet\":\"fd00:db8:8::/64\",\"Gateway\":\"fd00:db8:8::1\"}", configs.get(1).toString());
      assertEquals("{\"Subnet\":\"fd00:db8:9::/64\",\"Gateway\":\"fd00:db8:9::99\"}", configs.get(2).toString());
      ok("run", "-d", "--name", "three", "--network", "two6", "--ip6", "fd00:db8:9::7", "busybox", "sleep", "1000");
      assertEquals("fd00:db8:9::7/64 via fd00:db8:9::99\n", ok("inspect", "-f", "{{with .NetworkSettings.Networks.two6}}"
          + "{{.GlobalIPv6Address}}/{{.GlobalIPv6PrefixLen}} via {{.IPv6Gateway}}{{end}}", "three").out());
      ping = ok("exec", "three", "ping", "-6", "-c", "1", "-W", "2", "fd00:db8:9::99").out();
      assertTrue(ping.contains("1 packets received"), ping);
      String rules = berthd.inNetns("nft", "list", "ruleset");
      assertTrue(rules.contains("ip6 saddr fd00:db8:8::/64 oifname != ")
          && rules.contains("ip6 saddr fd00:db8:9::/64 oifname != "), rules);
      Cli.Result masked = berthd.ctl("network", "create", "--ipv6", "--subnet", "fd00:db8:8::1/64", "bad6");
      assertEquals("Error response from daemon: invalid network config:\ninvalid subnet fd00:db8:8::1/64: it should "
          + "be fd00:db8:8::/64\n", masked.stderr());
    } finally {
      berthd.ctl("rm", "-f", "one", "two", "three");
      berthd.ctl("network", "rm", "net6", "two6");
    }
  }

  @Test
  void anIpv6RangeGivesTheGatewayItsFirstAddressAndContainersTheNextAndAnIp6MayLieAnywhereInTheSubnetAsDockers()
      throws Exception {
    try {
      ok("network", "create", "--ipv6", "--subnet", "10.236.0.0/24", "--subnet", "fd00:db8:d::/64", "--ip-range",
          "fd00:db8:d::100/120", "ranged6");
      JsonNode config = JSON.readTree(ok("network", "inspect", "ranged6").stdout()).get(0).get("IPAM").get("Config");
      assertEquals("{\"Subnet\":\"fd00:db8:d::/64\",\"IPRange\":\"fd00:db8:d::100/120\",\"Gateway\":\"fd00:db8:d::100\"}",
          config.get(1).toString());
      ok("run", "-d", "--name", "r1", "--network", "ranged6", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "r2", "--network", "ranged6", "busybox", "sleep", "1000");
      ok("run", "-d", "--name", "r3", "--network", "ranged6", "--ip6", "fd00:db8:d::5", "busybox", "sleep", "1000");
      String template = "{{.NetworkSettings.Networks.ranged6.GlobalIPv6Address}}";
      assertEquals("fd00:db8:d::101\n", ok("inspect", "-f", template, "r1").out());
      assertEquals("fd00:db8:d::102\n", ok("inspect", "-f", template, "r2").out());
      assertEquals("fd00:db8:d::5\n", ok("inspect", "-f", template, "r3").out());
      assertTrue(ok("exec", "r2", "ip", "-6", "addr").out().contains("inet6 fd00:db8:d::102/64"));
      assertEquals("fd00:db8:d::100\n", ok("inspect", "-f", "{{.NetworkSettings.Networks.ranged6.IPv6Gateway}}", "r2")
          .out());

      // Docker's CLI pairs a range with the subnet that contains it
      Cli.Result noSubnet = berthd.ctl("network", "create", "--ipv6", "--subnet", "10.237.0.0/24", "--ip-range",
          "fd00:db8:e::/80", "bad6");
      assertEquals(1, noSubnet.exit(), noSubnet::toString);
      assertEquals("no matching subnet for range fd00:db8:e::/80\n", noSubnet.stderr());
      Cli.Result outside = berthd.ctl("network", "create", "--ipv6", "--subnet", "fd00:db8:e::/64", "--ip-range",
          "fd00:db8:f::/80", "bad6");
      assertEquals("no matching subnet for range fd00:db8:f::/80\n", outside.stderr());
    } finally {
      berthd.ctl("rm", "-f", "r1", "r2", "r3");
      berthd.ctl("network", "rm", "ranged6");
    }
  }

  @Test
  void auxiliaryAddressesOfEitherFamilyAreGivenToNoContainerAsDockers() throws Exception {
    try {
      ok("network", "create", "--ipv6", "--subnet", "10.238.0.0/24", "--subnet", "fd00:db8:10::/64",
          "--aux-address", "router=10.238.0.2", "--aux-address", "router6=fd00:db8:10::2", "aux6");
      JsonNode config = JSON.readTree(ok("network", "inspect", "aux6").stdout()).get(0).get("IPAM").get("Config");
      assertEquals("{\"router\":\"10.238.0.2\"}", config.get(0).get("AuxiliaryAddresses").toString());
      assertEquals("{\"router6\":\"fd00:db8:10::2\"}", config.get(1).get("AuxiliaryAddresses").toString());
      ok("run", "-d", "--name", "a1", "--network", "aux6", "busybox", "sleep", "1000");
      assertEquals("10.238.0.3 fd00:db8:10::3\n", ok("inspect", "-f", "{{.NetworkSettings.Networks.aux6.IPAddress}} "
          + "{{.NetworkSettings.Networks.aux6.GlobalIPv6Address}}", "a1").out());
      Cli.Result taken = berthd.ctl("run", "--rm", "--network", "aux6", "--ip", "10.238.0.2", "busybox", "true");
      assertEquals(125, taken.exit(), taken::toString);
      assertTrue(taken.stderr().contains("Address already in use (10.238.0.2 on network aux6)"), taken::toString);
      Cli.Result noSubnet6 = berthd.ctl("network", "create", "--subnet", "10.239.0.0/24", "--aux-address",
          "r=fd00:db8:11::2", "bad6");
      assertEquals("no matching subnet for aux-address fd00:db8:11::2\n", noSubnet6.stderr());
    } finally {
      berthd.ctl("rm", "-f", "a1");
      berthd.ctl("network", "rm", "aux6");
    }
  }

  @Test
  void anAuxiliaryAddressHeldAlreadyIsRefusedAsDockersAllocatorRefusesIt() throws Exception {
    Cli.Result gateway = berthd.ctl("network", "create", "--subnet", "10.77.0.0/24", "--gateway", "10.77.0.1",
        "--aux-address", "gw=10.77.0.1", "auxgw");
    assertEquals(1, gateway.exit(), gateway::toString);
    assertEquals("Error response from daemon: failed to allocate secondary ip address (gw:10.77.0.1): Address "
        + "already in use\n", gateway.stderr());
    Cli.Result shared = berthd.ctl("network", "create", "--ipv6", "--subnet", "10.77.0.0/24", "--subnet",
        "fd00:db8:77::/64", "--aux-address", "a=fd00:db8:77::9", "--aux-address", "b=fd00:db8:77::9", "auxgw");
    assertEquals(1, shared.exit(), shared::toString);
    assertEquals("Error response from daemon: failed to allocate secondary ip address (b:fd00:db8:77::9): Address "
        + "already in use\n", shared.stderr());
    assertEquals(1, berthd.ctl("network", "inspect", "auxgw").exit(), "nothing created");
  }

  @Test
  void anIp6IsTheContainersAddressAtEveryStartAndRefusedToASecond() throws Exception {
    try {
      ok("network", "create", "--ipv6", "--subnet", "10.234.0.0/24", "--subnet", "fd00:db8:a::/64", "fixed6");
      ok("network", "create", "--ipv6", "--subnet", "10.235.0.0/24", "--subnet", "fd00:db8:b::/64", "other6");
      ok("run", "-d", "--name", "six", "--network", "fixed6", "--ip6", "fd00:db8:a::42", "busybox", "sleep", "1000");
      String addresses = ok("exec", "six", "ip", "-6", "addr").out();
      assertTrue(addresses.contains("inet6 fd00:db8:a::42/64"), addresses);
      JsonNode endpoint = JSON.readTree(ok("inspect", "six").stdout()).get(0).get("NetworkSettings").get("Networks")
          .get("fixed6");
      assertEquals("{\"IPv6Address\":\"fd00:db8:a::42\"}", endpoint.get("IPAMConfig").toString());
      assertEquals("fd00:db8:a::42", endpoint.get("GlobalIPv6Address").asText());

      Cli.Result taken = berthd.ctl("run", "--rm", "--network", "fixed6", "--ip6", "fd00:db8:a::42", "busybox", "true");
      assertEquals(125, taken.exit(), taken::toString);
      assertTrue(taken.stderr().contains("Address already in use (fd00:db8:a::42 on network fixed6)"), taken::toString);
      Cli.Result outside = berthd.ctl("run", "--rm", "--network", "fixed6", "--ip6", "fd00:db8:c::5", "busybox", "true");
      assertTrue(outside.stderr().contains("no configured subnet or ip-range contain the IP address fd00:db8:c::5"),
          outside::toString);
      Cli.Result malformed = berthd.ctl("run", "--rm", "--network", "fixed6", "--ip6", "fd00::zz", "busybox", "true");
      assertEquals(125, malformed.exit(), malformed::toString);
      assertTrue(malformed.stderr().startsWith("berthctl: Error response from daemon: invalid config for network fixed6: "
          + "invalid endpoint settings:\n* invalid IPv6 address: fd00::zz\n"
          + "* no configured subnet or ip-range contain the IP address fd00::zz."), malformed::toString);

      ok("restart", "-t", "0", "six");
      addresses = ok("exec", "six", "ip", "-6", "addr").out();
      assertTrue(addresses.contains("inet6 fd00:db8:a::42/64"), addresses);

      Cli.Result badConnect = berthd.ctl("network", "connect", "--ip6", "nope", "other6", "six");
      assertEquals("Error response from daemon: invalid endpoint settings:\n* invalid IPv6 address: nope\n"
          + "* no configured subnet or ip-range contain the IP address nope\n", badConnect.stderr());
      ok("network", "connect", "--ip6", "fd00:db8:b::77", "other6", "six");
      addresses = ok("exec", "six", "ip", "-6", "addr", "show", "eth1").out();
      assertTrue(addresses.contains("inet6 fd00:db8:b::77/64"), addresses);
      ok("restart", "-t", "0", "six");
      addresses = ok("exec", "six", "ip", "-6", "addr", "show", "eth1").out();
      assertTrue(addresses.contains("inet6 fd00:db8:b::77/64"), addresses);
      endpoint = JSON.readTree(ok("inspect", "six").stdout()).get(0).get("NetworkSettings").get("Networks")
          .get("other6");
      assertEquals("{\"IPv6Address\":\"fd00:db8:b::77\"}", endpoint.get("IPAMConfig").toString());
    } finally {
      berthd.ctl("rm", "-f", "six");
      berthd.ctl("network", "rm", "fixed6", "other6");
    }
  }

  @Test
  void addressesANetworkCannotGiveAreRefusedAtCreateAndConnectNotAtTheNextStart() throws Exception {
    try {
      ok("network", "create", "--ipv6", "--subnet", "10.241.0.0/24", "--subnet", "fd00:bb::/64", "m6");
      ok("network", "create", "--subnet", "10.242.0.0/24", "v4only");
      Cli.Result outside = berthd.ctl("run", "--network", "m6", "--ip6", "fd00:cc::5", "busybox", "true");
      assertEquals(125, outside.exit(), outside::toString);
      assertTrue(outside.stderr().startsWith("berthctl: Error response from daemon: invalid config for network m6: "
          + "invalid endpoint settings:\nno configured subnet or ip-range contain the IP address fd00:cc::5."),
          outside::toString);
      Cli.Result noIpv6 = berthd.ctl("create", "--network", "v4only", "--ip6", "fd00:bb::5", "busybox", "true");
      assertEquals("Error response from daemon: invalid config for network v4only: invalid endpoint settings:\n"
          + "user specified IP address is supported only when connecting to networks with user configured subnets\n",
          noIpv6.stderr());
      assertEquals("", ok("ps", "-aq").out(), "no container left Created");
      Cli.Result runAlias = berthd.ctl("run", "--network", "bridge", "--network-alias", "x", "busybox", "true");
      assertEquals(125, runAlias.exit(), runAlias::toString);
      assertEquals("berthctl: Error response from daemon: invalid config for network bridge: invalid endpoint settings:\n"
          + "network-scoped alias is supported only for containers in user defined networks.\n"
          + "See 'berthctl run --help'.\n", runAlias.stderr());
      Cli.Result noNetworkGiven = berthd.ctl("run", "--ip", "172.17.0.50", "busybox", "true");
      assertTrue(noNetworkGiven.stderr().startsWith("berthctl: Error response from daemon: invalid config for network "
          + "default: invalid endpoint settings:\nuser specified IP address is supported on user defined networks only."),
          noNetworkGiven::toString);
      // Docker's CLI refuses these before asking its daemon: create exits 125 for them as run does
      Cli.Result twice = berthd.ctl("create", "--network", "m6", "--network", "m6", "busybox", "true");
      assertEquals(125, twice.exit(), twice::toString);
      assertEquals("berthctl: network \"m6\" is specified multiple times.\nSee 'berthctl create --help'.\n",
          twice.stderr());
      Cli.Result mixed = berthd.ctl("create", "--network", "bridge", "--network", "m6", "busybox", "true");
      assertEquals(125, mixed.exit(), mixed::toString);
      assertEquals("", ok("ps", "-aq").out(), "no container left Created");

      // a network given by id prefix is the network, by name, joined once however often given
      String m6Id = ok("network", "inspect", "-f", "{{.Id}}", "m6").out().strip().substring(0, 12);
      ok("run", "-d", "--name", "byid", "--network", m6Id, "--network", "m6", "busybox", "sleep", "1000");
      JsonNode byId = JSON.readTree(ok("inspect", "byid").stdout()).get(0).get("NetworkSettings").get("Networks");
      assertTrue(byId.size() == 1 && byId.has("m6"), byId::toString);
      ok("rm", "-f", "byid");

      ok("create", "--name", "s1", "--network", "v4only", "busybox", "sleep", "1000");
      Cli.Result injected = berthd.ctl("network", "connect", "--ip", "10.241.0.9,ip6=fd00:bb::99,alias=evil", "m6", "s1");
      assertEquals(1, injected.exit(), injected::toString);
      assertEquals("Error response from daemon: invalid endpoint settings:\n* invalid IPv4 address: "
          + "10.241.0.9,ip6=fd00:bb::99,alias=evil\n* no configured subnet or ip-range contain the IP address "
          + "10.241.0.9,ip6=fd00:bb::99,alias=evil\n", injected.stderr());
      Cli.Result aliased = berthd.ctl("network", "connect", "--alias", "x,ip6=fd00:bb::99", "m6", "s1");
      assertEquals(1, aliased.exit(), aliased::toString);
      assertTrue(aliased.stderr().contains("invalid network alias \"x,ip6=fd00:bb::99\""), aliased::toString);
      Cli.Result notInSubnet = berthd.ctl("network", "connect", "--ip6", "fd00:cc::5", "m6", "s1");
      assertEquals("Error response from daemon: invalid endpoint settings:\n"
          + "no configured subnet or ip-range contain the IP address fd00:cc::5\n", notInSubnet.stderr());
      Cli.Result onTheBridge = berthd.ctl("network", "connect", "--ip", "172.17.0.50", "bridge", "s1");
      assertEquals("Error response from daemon: invalid endpoint settings:\n"
          + "user specified IP address is supported on user defined networks only\n", onTheBridge.stderr());
      Cli.Result aliasOnTheBridge = berthd.ctl("network", "connect", "--alias", "x", "bridge", "s1");
      assertEquals(1, aliasOnTheBridge.exit(), aliasOnTheBridge::toString);
      assertEquals("Error response from daemon: invalid endpoint settings:\n"
          + "network-scoped alias is supported only for containers in user defined networks\n", aliasOnTheBridge.stderr());
      Cli.Result bothOnTheBridge = berthd.ctl("network", "connect", "--alias", "x", "--ip", "172.17.0.50", "bridge", "s1");
      assertEquals("Error response from daemon: invalid endpoint settings:\n"
          + "* user specified IP address is supported on user defined networks only\n"
          + "* network-scoped alias is supported only for containers in user defined networks\n",
          bothOnTheBridge.stderr());
      JsonNode networks = JSON.readTree(ok("inspect", "s1").stdout()).get(0).get("NetworkSettings").get("Networks");
      assertTrue(networks.size() == 1 && networks.has("v4only"), networks::toString);
    } finally {
      berthd.ctl("rm", "-f", "s1", "byid");
      berthd.ctl("network", "rm", "m6", "v4only");
    }
  }

  @Test
  void noAddressIsTakenOnASubnetBerthdChoseAsDockersDaemonTakesNone() throws Exception {
    String refusal = "invalid endpoint settings:\n"
        + "user specified IP address is supported only when connecting to networks with user configured subnets";
    try {
      // the IPv4 subnet given, the IPv6 one left to berthd
      ok("network", "create", "--ipv6", "--subnet", "10.245.0.0/24", "half6");
      ok("network", "create", "auto4");
      String auto4 = ok("network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}}{{end}}", "auto4").out().strip();
      String inside = auto4.substring(0, auto4.lastIndexOf('.')) + ".9";
      Cli.Result run = berthd.ctl("run", "--rm", "--network", "auto4", "--ip", inside, "busybox", "true");
      assertEquals(125, run.exit(), run::toString);
      assertEquals("berthctl: Error response from daemon: invalid config for network auto4: " + refusal + ".\n"
          + "See 'berthctl run --help'.\n", run.stderr());
      String half6 = ok("network", "inspect", "-f", "{{range .IPAM.Config}}{{.Subnet}} {{end}}", "half6").out();
      String inside6 = half6.strip().split(" ")[1].replace("::/64", "::9");
      Cli.Result create = berthd.ctl("create", "--network", "half6", "--ip6", inside6, "busybox", "true");
      assertEquals("Error response from daemon: invalid config for network half6: " + refusal + "\n", create.stderr());
      assertEquals("", ok("ps", "-aq").out(), "no container left Created");

      ok("create", "--name", "s2", "--network", "half6", "--ip", "10.245.0.9", "busybox", "sleep", "1000");
      Cli.Result connect = berthd.ctl("network", "connect", "--ip", inside, "auto4", "s2");
      assertEquals(1, connect.exit(), connect::toString);
      assertEquals("Error response from daemon: " + refusal + "\n", connect.stderr());
      JsonNode networks = JSON.readTree(ok("inspect", "s2").stdout()).get(0).get("NetworkSettings").get("Networks");
      assertTrue(networks.size() == 1 && networks.has("half6"), networks::toString);
    } finally {
      berthd.ctl("rm", "-f", "s2");
      berthd.ctl("network", "rm", "half6", "auto4");
    }
  }
  @Test
  void theGatewayIsTheNetworkDockersDaemonElectsAtRunConnectAndDisconnect() throws Exception {
    try {
      ok("network", "create", "--subnet", "10.236.0.0/24", "zeta");
      ok("network", "create", "--ipv6", "--subnet", "10.237.0.0/24", "--subnet", "fd00:db8:e::/64", "alpha");
      ok("network", "create", "--internal", "--subnet", "10.238.0.0/24", "aaa");
      // given first, zeta loses to alpha (IPv6 too) and aaa (internal) never wins, whatever the names say
      ok("run", "-d", "--name", "gw", "-p", "18480:80", "--network", "zeta", "--network", "alpha", "--network", "aaa",
          "busybox", "httpd", "-f", "-p", "80");
      ok("exec", "gw", "sh", "-c", "echo up > /index.html");
      assertEquals("default via 10.237.0.1", defaultRoute("gw", "-4"));
      assertEquals("default via fd00:db8:e::1", defaultRoute("gw", "-6"));
      assertEquals("80/tcp -> 0.0.0.0:18480\n80/tcp -> [::]:18480\n", ok("port", "gw").out());
      assertEquals("up\n", page("10.236.0.1", 18480));
      assertTrue(berthd.inNetns("nft", "list", "ruleset").contains("dnat to 10.237.0.2:80"), "alpha's address");

      // the gateway network given up: the next winner routes the container and publishes its ports at once
      ok("network", "disconnect", "alpha", "gw");
      assertEquals("default via 10.236.0.1", defaultRoute("gw", "-4"));
      assertEquals("", defaultRoute("gw", "-6"));
      assertEquals("80/tcp -> 0.0.0.0:18480\n", ok("port", "gw").out());
      assertEquals("up\n", page("10.236.0.1", 18480));

      // connecting a network that wins the election moves them there, as Docker's daemon does
      ok("network", "connect", "alpha", "gw");
      assertEquals("default via 10.237.0.1", defaultRoute("gw", "-4"));
      assertEquals("default via fd00:db8:e::1", defaultRoute("gw", "-6"));
      assertEquals("80/tcp -> 0.0.0.0:18480\n80/tcp -> [::]:18480\n", ok("port", "gw").out());
      assertEquals("up\n", page("10.236.0.1", 18480));
      ok("restart", "-t", "0", "gw");
      assertEquals("default via 10.237.0.1", defaultRoute("gw", "-4"));
      assertEquals("80/tcp -> 0.0.0.0:18480\n80/tcp -> [::]:18480\n", ok("port", "gw").out());
    } finally {
      berthd.ctl("rm", "-f", "gw");
      berthd.ctl("network", "rm", "zeta", "alpha", "aaa");
    }
  }

  /** The container's default route of a family ({@code -4}, {@code -6}) up to its device, or empty. */
  private static String defaultRoute(String container, String family) {
    return ok("exec", container, "ip", family, "route", "show", "default").out().lines().findFirst()
        .map(line -> line.replaceAll(" dev .*", "")).orElse("");
  }

  /** The page a published port serves on {@code address} of the test's network namespace. */
  private static String page(String address, int port) {
    return berthd.inNetns("curl", "-s", "--max-time", "2", "http://" + address + ":" + port + "/index.html");
  }
}
