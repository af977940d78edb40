package dev.berth.network.dns;

/**
 * The nftables table that sends a container's queries to 127.0.0.11:53 to the resolver's sockets,
 * which listen on ephemeral ports so that the container keeps port 53 for a server of its own
 * (Docker's DOCKER_OUTPUT and DOCKER_POSTROUTING chains). It lives in the container's network
 * namespace and is replaced whole in one transaction, so a restarted berthd points it at its new
 * ports without a moment in which queries go nowhere.
 */
final class ResolverRules {
  static final String TABLE = "ip berth_dns";
  static final String ADDRESS = "127.0.0.11";

  private ResolverRules() {}

  static String render(int udpPort, int tcpPort) {
    return "add table " + TABLE + "\n"
        + "delete table " + TABLE + "\n"
        + "table " + TABLE + " {\n"
        + "  chain output {\n"
        + "    type nat hook output priority -100; policy accept;\n"
        + "    ip daddr " + ADDRESS + " udp dport 53 dnat to " + ADDRESS + ":" + udpPort + "\n"
        + "    ip daddr " + ADDRESS + " tcp dport 53 dnat to " + ADDRESS + ":" + tcpPort + "\n"
        + "  }\n"
        + "  chain postrouting {\n"
        + "    type nat hook postrouting priority 100; policy accept;\n"
        + "    ip saddr " + ADDRESS + " udp sport " + udpPort + " snat to :53\n"
        + "    ip saddr " + ADDRESS + " tcp sport " + tcpPort + " snat to :53\n"
        + "  }\n"
        + "}\n";
  }
}
