package dev.berth.cri;

import dev.berth.api.Identifiers;
import dev.berth.api.grpc.Errors;
import dev.berth.api.network.Ipv4;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The node's pod CIDRs, as the kubelet last gave them with UpdateRuntimeConfig, kept in memory.
 * Containerd without a CNI config template does nothing else with them, and neither does Berth:
 * pods get their addresses from the network service's default network.
 */
final class PodCidrs {
  /**
   * What an IPv6 literal is made of, colon included. InetAddress parses such text as a literal
   * (failing if it is none) and never looks it up as a host name.
   */
  private static final Pattern IPV6_TEXT = Pattern.compile("[0-9A-Fa-f:][0-9A-Fa-f:.]*");
  private static final Pattern PREFIX = Pattern.compile("0|[1-9][0-9]{0,2}");

  private volatile List<String> current = List.of();

  /**
   * Takes {@code text}: CIDRs separated by commas (a dual-stack node has two), each
   * {@code ADDRESS/PREFIX}, IPv4 or IPv6, as Go's net.ParseCIDR reads them (host bits may be
   * set). Empty changes nothing, as with containerd. INVALID_ARGUMENT for anything else, and
   * nothing is kept.
   */
  void update(String text) {
    if (!text.isEmpty()) {
      current = parse(text);
    }
  }

  /** The CIDRs last given, none before the first update. */
  List<String> current() {
    return current;
  }

  static List<String> parse(String text) {
    List<String> cidrs = new ArrayList<>();
    for (String part : text.split(",", -1)) {
      String cidr = part.strip();
      int slash = cidr.indexOf('/');
      if (slash < 0 || !validPrefix(cidr.substring(slash + 1), validAddress(cidr.substring(0, slash)))) {
        throw Errors.invalidArgument(
            "pod CIDR %s is not a CIDR (ADDRESS/PREFIX, e.g. 10.244.0.0/24 or fd00:10:244::/64)",
            Identifiers.printable(cidr));
      }
      cidrs.add(cidr);
    }
    return List.copyOf(cidrs);
  }

  /** The address's length in bits, 0 if it is none. */
  private static int validAddress(String address) {
    if (Ipv4.isValid(address)) {
      return 32;
    }
    if (!IPV6_TEXT.matcher(address).matches() || !address.contains(":")) {
      return 0;
    }
    try {
      // an IPv4-mapped address comes back as an Inet4Address: its text is IPv6 all the same
      InetAddress.getByName(address);
      return 128;
    } catch (UnknownHostException e) {
      return 0;
    }
  }

  private static boolean validPrefix(String prefix, int bits) {
    return bits > 0 && PREFIX.matcher(prefix).matches() && Integer.parseInt(prefix) <= bits;
  }
}
