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
      assertEquals("fd00:db8:7::3", settings.get("GlobalIPv6Address").asText());

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

      Cli.Result twoOfAFamily = berthd.ctl("network", "create", "--ipv6", "--subnet", "fd00:db8:8::/64",
          "--subnet", "fd00:db8:9::/64", "bad6");
      assertEquals(1, twoOfAFamily.exit(), twoOfAFamily::toString);
      assertTrue(twoOfAFamily.stderr().contains("--subnet given 2 times for one IP family"), twoOfAFamily::toString);
      Cli.Result masked = berthd.ctl("network", "create", "--ipv6", "--subnet", "fd00:db8:8::1/64", "bad6");
      assertEquals("Error response from daemon: invalid network config:\ninvalid subnet fd00:db8:8::1/64: it should "
          + "be fd00:db8:8::/64\n", masked.stderr());
    } finally {
      berthd.ctl("rm", "-f", "one", "two");
      berthd.ctl("network", "rm", "net6");
    }
  }
}
