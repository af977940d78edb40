package dev.berth.client.containers;

import berth.network.v1.AddressPool;
import berth.network.v1.Network;
import dev.berth.api.labels.IpLiterals;
import dev.berth.api.network.Ipv4;
import dev.berth.api.network.Ipv6;
import dev.berth.api.network.Subnet;
import dev.berth.api.network.Subnet6;
import dev.berth.client.InvalidParameterException;
import java.util.ArrayList;
import java.util.List;

/**
 * Docker's daemon's check of the addresses asked for on a network ({@code --ip}, {@code --ip6},
 * {@code --link-local-ip}),
 * made when a container is created and when it is connected, as that daemon makes it, so that no
 * container is left configured with an address its network cannot give it at the next start.
 * Refusals are in that daemon's words, every problem found listed as it lists them.
 */
final class RequestedAddresses {
  /** Docker's words for an address asked for on the default bridge, host, none or container:. */
  static final String NOT_USER_DEFINED = "user specified IP address is supported on user defined networks only";

  private RequestedAddresses() {}

  /** Docker's words for an address asked for on a network whose subnet of that family berthd chose. */
  static final String NO_USER_SUBNET =
      "user specified IP address is supported only when connecting to networks with user configured subnets";

  /** Docker's words for a network alias asked for there. */
  static final String ALIAS_NOT_USER_DEFINED =
      "network-scoped alias is supported only for containers in user defined networks";

  /**
   * Throws InvalidParameterException when {@code ip} or {@code ip6} (null or empty: none asked for)
   * cannot be had on {@code network}, a network that exists (null for the network modes host,
   * none, container: and the default bridge's), when one of {@code linkLocalIps} is no address or
   * an unspecified one (any other is taken, on any network), or when {@code aliases} are asked for on no
   * user-defined network, with {@code heading} before Docker's {@code invalid endpoint settings:}.
   */
  static void check(String heading, Network network, String ip, String ip6, List<String> linkLocalIps,
      List<String> aliases) {
    boolean v4 = ip != null && !ip.isEmpty();
    boolean v6 = ip6 != null && !ip6.isEmpty();
    List<String> problems = new ArrayList<>();
    boolean userDefined = network != null;
    if (!userDefined && (v4 || v6)) {
      problems.add(NOT_USER_DEFINED);
    }
    if (!userDefined && !aliases.isEmpty()) {
      problems.add(ALIAS_NOT_USER_DEFINED);
    }
    if (v4 && !IpLiterals.isAssignableIpv4(ip)) {
      problems.add("invalid IPv4 address: " + ip);
    }
    if (v6 && !IpLiterals.isAssignableIpv6(ip6)) {
      problems.add("invalid IPv6 address: " + ip6);
    }
    for (String address : linkLocalIps) {
      if (!IpLiterals.isAssignableIpv4(address) && !IpLiterals.isAssignableIpv6(address)) {
        problems.add("invalid link-local IP address: " + address);
      }
    }
    if (userDefined) {
      // Docker's daemon checks an address only against the subnets given at create, and refuses
      // any on a family whose subnet it chose itself
      if (v4 && network.getSubnetChosen()) {
        problems.add(NO_USER_SUBNET);
      } else if (v4 && !(IpLiterals.isIpv4(ip) && subnets(network, false).stream()
          .anyMatch(s -> Subnet.parseStored(s).contains(Ipv4.parse("address", ip))))) {
        problems.add("no configured subnet or ip-range contain the IP address " + ip);
      }
      if (v6 && (!network.getEnableIpv6() || network.getIpv6SubnetChosen())) {
        problems.add(NO_USER_SUBNET);
      } else if (v6 && !(IpLiterals.isIpv6(ip6) && subnets(network, true).stream()
          .anyMatch(s -> Subnet6.parseStored(s).contains(Ipv6.parse("address", ip6))))) {
        problems.add("no configured subnet or ip-range contain the IP address " + ip6);
      }
    }
    if (!problems.isEmpty()) {
      // Docker's daemon joins several as a list, one "* " item a line
      String listed = problems.size() == 1 ? problems.get(0) : "* " + String.join("\n* ", problems);
      throw new InvalidParameterException(heading + "invalid endpoint settings:\n" + listed);
    }
  }

  /** The network's subnets of a family, the first first: Docker checks an address against each. */
  private static List<String> subnets(Network network, boolean v6) {
    List<String> subnets = new ArrayList<>(List.of(v6 ? network.getIpv6Subnet() : network.getSubnet()));
    network.getMorePoolsList().stream().map(AddressPool::getSubnet).filter(s -> s.contains(":") == v6)
        .forEach(subnets::add);
    return subnets;
  }
}
